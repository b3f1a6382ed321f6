import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIP } from './address.js';
import { poolContaining, poolsContaining } from './pool-containing.js';
import { parseRange, type IPRange } from './range.js';

interface Pool {
  name: string;
  ranges: IPRange[];
}
const pool = (name: string, ...entries: string[]): Pool => ({ name, ranges: entries.map((e) => parseRange(e) ?? assert.fail(e)) });
const rangesOf = (p: Pool): IPRange[] => p.ranges;
const ip = (text: string) => parseIP(text) ?? assert.fail(text);

// Listed out of name order on purpose: the answer must not depend on the order pools are read in.
const pools = [pool('zeta', '10.0.0.0/16'), pool('alpha', '10.0.0.0/24', '2001:db8::/64'), pool('mid', '10.0.0.100-10.0.0.200', '10.1.0.0/16')];

test('poolContaining: the hinted pool when it holds the address, else the first by name', () => {
  assert.equal(poolContaining(pools, ip('10.0.0.150'), rangesOf)?.name, 'alpha');
  assert.equal(poolContaining(pools, ip('10.0.0.150'), rangesOf, 'mid')?.name, 'mid');
  assert.equal(poolContaining(pools, ip('10.0.0.150'), rangesOf, 'zeta')?.name, 'zeta');
  assert.equal(poolContaining(pools, ip('10.0.5.1'), rangesOf, 'alpha')?.name, 'zeta', 'a stale hint is ignored');
  assert.equal(poolContaining(pools, ip('10.0.5.1'), rangesOf, 'nope')?.name, 'zeta');
  assert.equal(poolContaining(pools, ip('2001:db8::ffff'), rangesOf)?.name, 'alpha');
  assert.equal(poolContaining(pools, ip('2001:db9::'), rangesOf), undefined);
  assert.equal(poolContaining([], ip('10.0.0.1'), rangesOf), undefined);
});

test('poolsContaining: every holder, hinted first, then by name', () => {
  assert.deepEqual(poolsContaining(pools, ip('10.0.0.150'), rangesOf).map((p) => p.name), ['alpha', 'mid', 'zeta']);
  assert.deepEqual(poolsContaining(pools, ip('10.0.0.150'), rangesOf, 'zeta').map((p) => p.name), ['zeta', 'alpha', 'mid']);
  assert.deepEqual(poolsContaining(pools, ip('10.1.2.3'), rangesOf).map((p) => p.name), ['mid']);
});

test('range ends are inclusive and families never mix', () => {
  const edge = [pool('r', '10.0.0.10-10.0.0.20'), pool('all4', '0.0.0.0/0'), pool('all6', '::/0')];
  assert.equal(poolContaining(edge, ip('10.0.0.10'), rangesOf, 'r')?.name, 'r');
  assert.equal(poolContaining(edge, ip('10.0.0.20'), rangesOf, 'r')?.name, 'r');
  assert.equal(poolContaining(edge, ip('10.0.0.21'), rangesOf, 'r')?.name, 'all4');
  assert.equal(poolContaining(edge, ip('::1'), rangesOf, 'all4')?.name, 'all6');
});
