import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from './queue.js';

test('events for one key coalesce into one reconcile', async () => {
  const runs: string[] = [];
  const q = new WorkQueue(async (k) => void runs.push(k), () => undefined, 5);
  for (let i = 0; i < 50; i++) q.add('a');
  q.add('b');
  await new Promise((r) => setTimeout(r, 30));
  await q.idle();
  assert.deepEqual(runs.sort(), ['a', 'b']);
});

test('a key is never reconciled concurrently; an event during a run causes one more run', async () => {
  let active = 0;
  let maxActive = 0;
  let runs = 0;
  const q = new WorkQueue(async () => {
    active++;
    maxActive = Math.max(maxActive, active);
    runs++;
    await new Promise((r) => setTimeout(r, 20));
    active--;
  }, () => undefined, 1);
  q.add('k');
  await new Promise((r) => setTimeout(r, 5));
  q.add('k');
  q.add('k');
  await new Promise((r) => setTimeout(r, 80));
  await q.idle();
  assert.equal(maxActive, 1);
  assert.equal(runs, 2);
});

test('a failing key is retried and reported', async () => {
  let calls = 0;
  const errors: number[] = [];
  const q = new WorkQueue(async () => {
    calls++;
    if (calls < 3) throw new Error('boom');
  }, (_k, _e, attempt) => errors.push(attempt), 1);
  q.add('k');
  await new Promise((r) => setTimeout(r, 600));
  q.stop();
  assert.equal(calls, 3);
  assert.deepEqual(errors, [1, 2]);
});
