import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poolProblems } from './pool-problems.js';

const pool = (kind: string, name: string, addresses: string[]) => ({ apiVersion: 'metallb.io/v1beta1', kind, metadata: { name }, spec: { addresses } });

test('reversed ranges, duplicate names and overlaps are reported on the offending pool', () => {
  const ps = poolProblems([pool('IPAddressPool', 'a', ['10.0.0.0/24']), pool('IPAddressPool', 'b', ['10.0.0.128/25']), pool('AddressPool', 'a', ['10.1.0.0/24']), pool('IPAddressPool', 'c', ['10.2.0.9-10.2.0.1'])]);
  assert.ok(ps.some((p) => p.pool === 'b' && /overlaps pool "a"/.test(p.message)));
  assert.ok(ps.some((p) => p.pool === 'a' && /same name/.test(p.message)));
  assert.ok(ps.some((p) => p.pool === 'c' && /lower to the higher/.test(p.message)));
  assert.deepEqual(poolProblems([pool('IPAddressPool', 'x', ['10.0.0.0/25']), pool('IPAddressPool', 'y', ['10.0.0.128/25'])]), []);
});
