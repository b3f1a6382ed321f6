import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryDelayMs } from './backoff.js';

test('retryDelayMs: exponential, capped, jittered within [d, 1.5 d)', () => {
  assert.deepEqual([1, 2, 3, 4, 10].map((a) => retryDelayMs(a, 200, 5000, () => 0)), [200, 400, 800, 1600, 5000]);
  assert.equal(retryDelayMs(2, 200, 5000, () => 0.999), 599);
  const many = Array.from({ length: 1000 }, () => retryDelayMs(3, 200, 5000));
  assert.ok(many.every((d) => d >= 800 && d < 1200), 'outside [d, 1.5 d)');
  // Spread out, not in step: the 1,000 delays take many values.
  assert.ok(new Set(many).size > 100, `${new Set(many).size} distinct delays`);
});
