import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const program = new URL('./program.js', import.meta.url).href;
const log = new URL('../util/log.js', import.meta.url).href;

test('process handlers: an unawaited rejection is logged and the program goes on; an uncaught exception is logged, then exit 1', () => {
  const script = `
    const { installProcessHandlers } = await import(${JSON.stringify(program)});
    const { makeLogger } = await import(${JSON.stringify(log)});
    installProcessHandlers(makeLogger('t'));
    void Promise.reject(new Error('neighbor 1.1.1.1 password hidden1 failed'));
    setTimeout(() => { process.stdout.write('still running\\n'); setTimeout(() => { throw new Error('boom'); }, 10); }, 50);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /still running/);
  const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { event: string; error: string; component: string });
  assert.deepEqual(lines.map((l) => l.event), ['unhandled-rejection', 'uncaught-exception']);
  assert.equal(lines[0]!.error, 'neighbor 1.1.1.1 password <redacted> failed');
  assert.equal(lines[1]!.error, 'boom');
  assert.ok(lines.every((l) => l.component === 't'));
});
