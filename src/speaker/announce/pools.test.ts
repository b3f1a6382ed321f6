import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, poolOf, poolContains } from './pools.js';

const pool = (name: string, addresses: string[]) => ({ name, labels: {}, addresses });

test('containment for CIDRs and ranges, both families', () => {
  assert.ok(poolContains(pool('a', ['192.168.155.150/32', '192.168.155.151/32']), '192.168.155.151'));
  assert.ok(!poolContains(pool('a', ['192.168.155.150/32']), '192.168.155.151'));
  assert.ok(poolContains(pool('b', ['10.19.140.10-10.19.140.29']), '10.19.140.29'));
  assert.ok(!poolContains(pool('b', ['10.19.140.10-10.19.140.29']), '10.19.140.30'));
  assert.ok(poolContains(pool('c', ['2001:db8::/64']), '2001:db8::5'));
  assert.ok(!poolContains(pool('c', ['2001:db8::/64']), '192.168.0.1'));
});

test('poolOf prefers the recorded pool', () => {
  const pools = [pool('x', ['10.0.0.0/24']), pool('y', ['10.0.0.0/16'])];
  assert.equal(poolOf(pools, '10.0.0.5')?.name, 'x');
  assert.equal(poolOf(pools, '10.0.0.5', 'y')?.name, 'y');
  assert.equal(poolOf(pools, '10.0.1.5', 'x')?.name, 'y');
  assert.equal(poolOf(pools, '11.0.0.1'), undefined);
});

test('aggregate', () => {
  assert.equal(aggregate('192.168.5.7', 32), '192.168.5.7/32');
  assert.equal(aggregate('192.168.5.7', 24), '192.168.5.0/24');
  assert.equal(aggregate('2001:db8::5', 128), '2001:db8::5/128');
  assert.equal(aggregate('2001:db8:1:2::5', 64), '2001:db8:1:2::/64');
  assert.equal(aggregate('2001:db8::5', 32), '2001:db8::/32');
  assert.equal(aggregate('fd00::1', 128), 'fd00::1/128');
});
