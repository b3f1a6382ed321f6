import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { alive, pidsTagged, sleep, startProc, stopProc } from './procs.js';

test('alive: a zombie (exited, never reaped) counts as gone', async () => {
  // sh forks a short sleep, prints its PID and becomes a long `sleep`, which never reaps it: once
  // the short one exits (after the exec; sh would have reaped it before) it is a zombie by design.
  const parent = spawn('sh', ['-c', 'sleep 1 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const zombie = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  try {
    let sawZombie = false;
    // Bounded: a loaded machine may take a while.
    for (const deadline = Date.now() + 20_000; Date.now() < deadline && !sawZombie; ) {
      try {
        process.kill(zombie, 0); // still "exists" for kill(0)...
        sawZombie = !alive(zombie); // ...but alive() says gone once it has exited
      } catch {
        break;
      }
      await sleep(20);
    }
    assert.ok(sawZombie, 'the zombie child was seen as not alive while kill(0) still succeeded');
    assert.equal(alive(parent.pid!), true);
  } finally {
    await stopProc(parent.pid!, 2000);
  }
  assert.equal(alive(parent.pid!), false);
});

test('pidsTagged finds a process by the exact tag in its environment', async () => {
  const tag = `t${process.pid}x${Date.now()}`;
  const p = startProc('sleep', ['30'], '/dev/null', { METALLB_TEST_TAG: tag });
  try {
    assert.deepEqual(pidsTagged('METALLB_TEST_TAG', tag), [p.pid]);
    assert.deepEqual(pidsTagged('METALLB_TEST_TAG', tag.slice(0, -1)), [], 'a prefix of the tag matches nothing');
  } finally {
    await stopProc(p.pid, 2000);
  }
  assert.deepEqual(pidsTagged('METALLB_TEST_TAG', tag), []);
});
