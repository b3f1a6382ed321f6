// The speaker must not load @kubernetes/client-node: the package alone adds ~55 MB to every
// speaker's RSS (docs/adr/0009-own-kubernetes-http-client.md). A fresh node imports the compiled
// command module and reports every CommonJS module it loaded (client-node is CommonJS, so an
// import of it from anywhere in the graph shows up in require's cache).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function loadedModules(commandModule: string): Promise<string[]> {
  const abs = fileURLToPath(new URL(`../commands/${commandModule}`, import.meta.url));
  const script = `await import(${JSON.stringify(abs)}); const { createRequire } = await import('node:module'); const r = createRequire(import.meta.url); console.log(JSON.stringify(Object.keys(r.cache)))`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as string[];
}

test('importing the speaker command loads no part of @kubernetes/client-node', async () => {
  const loaded = await loadedModules('speaker.js');
  assert.ok(loaded.length > 0, 'the probe saw no CommonJS module at all (winston is one): it is not measuring');
  assert.deepEqual(loaded.filter((m) => m.includes('@kubernetes/client-node')), []);
});

test('the probe does see client-node where it is loaded (the operator, through @dot-i/k8s-operator)', async () => {
  const loaded = await loadedModules('operator.js');
  assert.ok(loaded.some((m) => m.includes('@kubernetes/client-node')));
});
