import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FreeList } from './free-list.js';

test('lowest, take, give keep intervals merged', () => {
  const f = new FreeList([{ first: 10n, last: 19n }, { first: 30n, last: 31n }]);
  assert.equal(f.size, 12n);
  assert.equal(f.lowest(), 10n);
  assert.ok(f.take(10n));
  assert.ok(!f.take(10n), 'already taken');
  assert.ok(!f.take(25n), 'never in the set');
  assert.equal(f.lowest(), 11n);
  assert.ok(f.take(15n));
  assert.equal(f.intervals, 3);
  assert.ok(f.give(15n));
  assert.ok(!f.give(15n), 'already free');
  assert.equal(f.intervals, 2);
  f.give(10n);
  assert.equal(f.lowest(), 10n);
  assert.equal(f.size, 12n);
  for (let v = 10n; v <= 19n; v++) f.take(v);
  assert.equal(f.lowest(), 30n);
  assert.equal(f.lowest((v) => v === 30n), 31n);
  assert.ok(!f.isFree(30n), 'a skipped address is dropped for good');
  assert.deepEqual(f.toArray(), [{ first: 31n, last: 31n }]);
});

test('a /64 stays one interval under sequential allocation', () => {
  const f = new FreeList([{ first: 0n, last: (1n << 64n) - 1n }]);
  for (let i = 0; i < 1000; i++) f.take(f.lowest()!);
  assert.equal(f.intervals, 1);
  assert.equal(f.size, (1n << 64n) - 1000n);
});

test('overlapping and touching ranges merge', () => {
  const f = new FreeList([{ first: 8n, last: 12n }, { first: 5n, last: 10n }, { first: 13n, last: 13n }, { first: 20n, last: 21n }]);
  assert.deepEqual(f.toArray(), [{ first: 5n, last: 13n }, { first: 20n, last: 21n }]);
  assert.equal(f.size, 11n);
});

test('matches a set model under random take/give, and intervals never exceed taken + 1', () => {
  let seed = 42;
  const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const N = 600;
  const f = new FreeList([{ first: 1000n, last: 1000n + BigInt(N) - 1n }]);
  const free = new Set<number>(Array.from({ length: N }, (_, i) => i));
  for (let step = 0; step < 20000; step++) {
    const i = rnd(N);
    const v = 1000n + BigInt(i);
    const op = rnd(3);
    if (op === 0) assert.equal(f.take(v), free.delete(i), `take ${i}`);
    else if (op === 1) {
      const was = free.has(i);
      free.add(i);
      assert.equal(f.give(v), !was, `give ${i}`);
    } else {
      const low = f.lowest();
      const want = free.size ? Math.min(...free) : undefined;
      assert.equal(low, want === undefined ? undefined : 1000n + BigInt(want));
      if (low !== undefined) {
        f.take(low);
        free.delete(want!);
      }
    }
    assert.equal(f.size, BigInt(free.size));
    assert.ok(f.intervals <= N - free.size + 1, 'intervals bounded by taken addresses + 1');
  }
  // The final shape equals the model's runs.
  const runs: { first: bigint; last: bigint }[] = [];
  for (const i of [...free].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && last.last + 1n === 1000n + BigInt(i)) last.last++;
    else runs.push({ first: 1000n + BigInt(i), last: 1000n + BigInt(i) });
  }
  assert.deepEqual(f.toArray(), runs);
});

test('the tree stays balanced: 100,000 scattered intervals are cheap', () => {
  const f = new FreeList([{ first: 0n, last: 199_999n }]);
  for (let v = 1n; v < 200_000n; v += 2n) f.take(v); // every odd address: 100,000 one-address intervals
  assert.equal(f.intervals, 100_000);
  for (let v = 1n; v < 200_000n; v += 2n) f.give(v);
  assert.equal(f.intervals, 1);
  assert.equal(f.size, 200_000n);
});
