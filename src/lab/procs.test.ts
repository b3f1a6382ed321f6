import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { alive, sleep, stopProc } from './procs.js';

test('alive: a zombie (exited, never reaped) counts as gone', async () => {
  // sh forks `true`, prints its PID and becomes `sleep`, which never reaps it: a zombie by design.
  const parent = spawn('sh', ['-c', 'true & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const zombie = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  try {
    let sawZombie = false;
    for (let i = 0; i < 100 && !sawZombie; i++) {
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
