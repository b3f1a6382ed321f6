import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, poolOf } from './pools.js';

const pool = (name: string, addresses: string[]) => ({ name, labels: {}, addresses });

test('containment for CIDRs and ranges, both families', () => {
  const holds = (addresses: string[], ip: string): boolean => poolOf([pool('a', addresses)], ip) !== undefined;
  assert.ok(holds(['192.168.155.150/32', '192.168.155.151/32'], '192.168.155.151'));
  assert.ok(!holds(['192.168.155.150/32'], '192.168.155.151'));
  assert.ok(holds(['10.19.140.10-10.19.140.29'], '10.19.140.29'));
  assert.ok(holds(['10.19.140.10 - 10.19.140.29'], '10.19.140.10'));
  assert.ok(!holds(['10.19.140.10-10.19.140.29'], '10.19.140.30'));
  assert.ok(holds(['2001:db8::/64'], '2001:db8::5'));
  assert.ok(holds(['2001:db8::/64'], '2001:DB8:0::5'), 'any IPv6 text form');
  assert.ok(!holds(['2001:db8::/64'], '192.168.0.1'));
  assert.ok(holds(['0.0.0.0/0'], '203.0.113.9'));
  assert.ok(!holds(['0.0.0.0/0'], '::ffff:203.0.113.9'), 'an IPv4-mapped IP is refused, never read as IPv4');
  assert.ok(!holds(['10.0.0.5/24'], '10.0.0.5'), 'an invalid entry (host bits) holds nothing, as in the controller');
});

test('poolOf prefers the recorded pool, else the first by name (the controller rule)', () => {
  const pools = [pool('y', ['10.0.0.0/16']), pool('x', ['10.0.0.0/24'])];
  assert.equal(poolOf(pools, '10.0.0.5')?.name, 'x');
  assert.equal(poolOf(pools, '10.0.0.5', 'y')?.name, 'y');
  assert.equal(poolOf(pools, '10.0.1.5', 'x')?.name, 'y');
  assert.equal(poolOf(pools, '11.0.0.1'), undefined);
  assert.equal(poolOf(pools, 'not-an-ip'), undefined);
});

test('aggregate', () => {
  assert.equal(aggregate('192.168.5.7', 32), '192.168.5.7/32');
  assert.equal(aggregate('192.168.5.7', 24), '192.168.5.0/24');
  assert.equal(aggregate('2001:db8::5', 128), '2001:db8::5/128');
  assert.equal(aggregate('2001:db8:1:2::5', 64), '2001:db8:1:2::/64');
  assert.equal(aggregate('2001:db8::5', 32), '2001:db8::/32');
  assert.equal(aggregate('fd00::1', 128), 'fd00::1/128');
});
