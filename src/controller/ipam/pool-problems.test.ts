import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poolProblems } from './pool-problems.js';

const pool = (kind: string, name: string, addresses: string[]) => ({ apiVersion: 'metallb.io/v1beta1', kind, metadata: { name }, spec: { addresses } });

test('unusable entries, duplicate names and overlaps are reported on the offending pool', () => {
  const ps = poolProblems([
    pool('IPAddressPool', 'b', ['10.0.0.128/25']),
    pool('IPAddressPool', 'a', ['10.0.0.0/24']),
    pool('AddressPool', 'a', ['10.1.0.0/24']),
    pool('IPAddressPool', 'c', ['10.2.0.9-10.2.0.1']),
    pool('IPAddressPool', 'd', ['192.168.5.1/24']),
  ]);
  assert.deepEqual(ps, [
    { pool: 'a', message: 'AddressPool "a" has the same name as an IPAddressPool; only one of them is used' },
    { pool: 'c', message: 'pool "c" has an unusable address: "10.2.0.9-10.2.0.1" is reversed: a range must go from the lower to the higher address (10.2.0.1-10.2.0.9)' },
    { pool: 'd', message: 'pool "d" has an unusable address: "192.168.5.1/24" has host bits set: the network is 192.168.5.0/24 (for the single address, write 192.168.5.1/32)' },
    { pool: 'b', message: 'pool "b" (10.0.0.128/25) overlaps pool "a" (10.0.0.0/24); an address in both is handed out only once' },
  ]);
});

test('adjacent pools and overlapping entries of one pool are fine', () => {
  assert.deepEqual(poolProblems([pool('IPAddressPool', 'x', ['10.0.0.0/25']), pool('IPAddressPool', 'y', ['10.0.0.128/25'])]), []);
  assert.deepEqual(poolProblems([pool('IPAddressPool', 'x', ['10.0.0.0/24', '10.0.0.10-10.0.0.20'])]), []);
});
