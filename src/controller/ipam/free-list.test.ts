import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FreeList } from './free-list.js';

test('lowest, take, give keep intervals merged', () => {
  const f = new FreeList([{ first: 10n, last: 19n }, { first: 30n, last: 31n }]);
  assert.equal(f.size, 12n);
  assert.equal(f.lowest(), 10n);
  assert.ok(f.take(10n));
  assert.ok(!f.take(10n));
  assert.equal(f.lowest(), 11n);
  assert.ok(f.take(15n));
  assert.equal(f.intervals, 3);
  f.give(15n);
  assert.equal(f.intervals, 2);
  f.give(10n);
  assert.equal(f.lowest(), 10n);
  assert.equal(f.size, 12n);
  for (let v = 10n; v <= 19n; v++) f.take(v);
  assert.equal(f.lowest(), 30n);
  assert.equal(f.lowest((v) => v === 30n), 31n);
  assert.ok(!f.isFree(30n), 'a skipped address is dropped for good');
});

test('a /64 is one interval', () => {
  const f = new FreeList([{ first: 0n, last: (1n << 64n) - 1n }]);
  for (let i = 0; i < 1000; i++) f.take(f.lowest()!);
  assert.equal(f.intervals, 1);
  assert.equal(f.size, (1n << 64n) - 1000n);
});

test('overlapping ranges merge', () => {
  const f = new FreeList([{ first: 5n, last: 10n }, { first: 8n, last: 12n }, { first: 13n, last: 13n }]);
  assert.equal(f.intervals, 1);
  assert.equal(f.size, 9n);
});
