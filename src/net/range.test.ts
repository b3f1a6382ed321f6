import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buggyCount, formatIP, isBuggy, parseRange, rangesOverlap } from './range.js';

test('CIDRs and ranges, both families', () => {
  assert.deepEqual(parseRange('192.168.5.0/24'), { family: 4, first: 0xc0a80500n, last: 0xc0a805ffn });
  assert.deepEqual(parseRange('10.19.140.10-10.19.140.29'), { family: 4, first: 0x0a138c0an, last: 0x0a138c1dn });
  assert.deepEqual(parseRange('10.0.0.1 - 10.0.0.2'), { family: 4, first: 0x0a000001n, last: 0x0a000002n });
  const v6 = parseRange('2001:db8::/64')!;
  assert.equal(v6.last - v6.first + 1n, 1n << 64n);
  assert.equal(parseRange('192.168.5.1/24'), undefined, 'host bits set');
  assert.equal(parseRange('10.0.0.9-10.0.0.1'), undefined, 'reversed');
  assert.equal(parseRange('10.0.0.1-2001:db8::1'), undefined, 'mixed families');
  assert.equal(parseRange('nonsense'), undefined);
});

test('format', () => {
  assert.equal(formatIP(0xc0a80501n, 4), '192.168.5.1');
  assert.equal(formatIP(parseRange('2001:db8::5/128')!.first, 6), '2001:db8::5');
});

test('buggy IPs', () => {
  assert.ok(isBuggy(parseRange('198.51.100.0/32')!.first, 4));
  assert.ok(isBuggy(parseRange('198.51.100.255/32')!.first, 4));
  assert.ok(!isBuggy(parseRange('198.51.100.1/32')!.first, 4));
  const r = parseRange('198.51.100.0/24')!;
  assert.equal(buggyCount(r.first, r.last), 2n);
  const r16 = parseRange('10.1.0.0/16')!;
  assert.equal(buggyCount(r16.first, r16.last), 512n);
  assert.equal(buggyCount(r.first + 1n, r.last - 1n), 0n);
});

test('overlap', () => {
  assert.ok(rangesOverlap(parseRange('10.0.0.0/24')!, parseRange('10.0.0.128/25')!));
  assert.ok(!rangesOverlap(parseRange('10.0.0.0/25')!, parseRange('10.0.0.128/25')!));
});
