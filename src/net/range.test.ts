import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBuggy } from './address.js';
import { buggyCount, findOverlaps, formatRange, mergeRanges, parseRange, rangeContains, rangeSize, rangesOverlap, tryParseRange, widestPrefixLength } from './range.js';
import type { IPRange } from './range.js';

const r = (entry: string): IPRange => parseRange(entry) ?? assert.fail(`${entry} does not parse`);

test('tryParseRange: CIDRs and ranges, both families', () => {
  const cases: [string, IPRange][] = [
    ['192.168.5.0/24', { family: 4, first: 0xc0a80500n, last: 0xc0a805ffn }],
    ['10.0.0.7/32', { family: 4, first: 0x0a000007n, last: 0x0a000007n }],
    ['0.0.0.0/0', { family: 4, first: 0n, last: 0xffffffffn }],
    ['10.19.140.10-10.19.140.29', { family: 4, first: 0x0a138c0an, last: 0x0a138c1dn }],
    ['10.0.0.1 - 10.0.0.2', { family: 4, first: 0x0a000001n, last: 0x0a000002n }],
    ['  10.0.0.5-10.0.0.5 ', { family: 4, first: 0x0a000005n, last: 0x0a000005n }],
    ['2001:db8::/64', { family: 6, first: 0x20010db8n << 96n, last: (0x20010db8n << 96n) | ((1n << 64n) - 1n) }],
    ['2001:db8::1-2001:db8::9', { family: 6, first: (0x20010db8n << 96n) | 1n, last: (0x20010db8n << 96n) | 9n }],
  ];
  for (const [entry, want] of cases) assert.deepEqual(tryParseRange(entry), { ok: true, range: want }, entry);
  assert.equal(rangeSize(r('2001:db8::/64')), 1n << 64n);
});

test('tryParseRange: errors a user can act on', () => {
  const cases: [string, RegExp][] = [
    ['192.168.5.1/24', /"192.168.5.1\/24" has host bits set: the network is 192.168.5.0\/24 \(for the single address, write 192.168.5.1\/32\)/],
    ['2001:db8::1/64', /has host bits set: the network is 2001:db8::\/64/],
    ['10.0.0.0/33', /prefix length must be a number from 0 to 32 for IPv4/],
    ['2001:db8::/129', /from 0 to 128 for IPv6/],
    ['10.0.0.0/x', /prefix length/],
    ['10.0.0.0/24/1', /prefix length/],
    ['10.0.0.9-10.0.0.1', /is reversed: a range must go from the lower to the higher address \(10.0.0.1-10.0.0.9\)/],
    ['10.0.0.1-2001:db8::1', /mixes IPv4 and IPv6/],
    ['10.0.0.1-10.0.0.2-10.0.0.3', /not a range/],
    ['10.0.0.1-banana', /"banana" is not an IP address/],
    ['300.0.0.0/8', /"300.0.0.0" is not an IP address/],
    ['fe80::1%eth0/128', /has a zone/],
    ['10.0.0.1', /has no prefix length: write 10.0.0.1\/32/],
    ['2001:db8::1', /write 2001:db8::1\/128/],
    ['nonsense', /neither a CIDR .* nor a range/],
    ['::ffff:10.0.0.0/120', /"::ffff:10.0.0.0\/120": "::ffff:10.0.0.0" is an IPv4-mapped IPv6 address; write the IPv4 address 10.0.0.0/],
    ['::ffff:10.0.0.1-::ffff:10.0.0.9', /is an IPv4-mapped IPv6 address; write the IPv4 address 10.0.0.1/],
    ['10.0.0.1-::ffff:10.0.0.9', /write the IPv4 address 10.0.0.9/],
    ['::ffff:10.0.0.1', /IPv4-mapped/],
    ['10.0.0.0/024', /prefix length/],
  ];
  for (const [entry, why] of cases) {
    const got = tryParseRange(entry);
    assert.ok(!got.ok, entry);
    assert.match(got.error, why, entry);
    assert.equal(parseRange(entry), undefined, entry);
  }
});

test('tryParseRange: edge lengths and ranges of one address', () => {
  assert.deepEqual(r('255.255.255.255/32'), { family: 4, first: 0xffffffffn, last: 0xffffffffn });
  assert.deepEqual(r('::/0'), { family: 6, first: 0n, last: (1n << 128n) - 1n });
  assert.deepEqual(r('2001:db8::1/128'), { family: 6, first: (0x20010db8n << 96n) | 1n, last: (0x20010db8n << 96n) | 1n });
  assert.deepEqual(r('10.0.0.5-10.0.0.5'), { family: 4, first: 0x0a000005n, last: 0x0a000005n });
  assert.deepEqual(r('2001:DB8::a - 2001:db8::0:b'), { family: 6, first: (0x20010db8n << 96n) | 10n, last: (0x20010db8n << 96n) | 11n });
  assert.deepEqual(r('64:ff9b::1.2.3.4-64:ff9b::1.2.3.5'), { family: 6, first: (0x64ff9bn << 96n) | 0x01020304n, last: (0x64ff9bn << 96n) | 0x01020305n });
});

test('formatRange: a CIDR when the range is one prefix, else first-last', () => {
  for (const entry of ['192.168.5.0/24', '10.0.0.7/32', '0.0.0.0/0', '2001:db8::/64', '::/0', '10.19.140.10-10.19.140.29', '10.0.0.0-10.0.0.2', '10.0.0.1-10.0.0.2', '2001:db8::1-2001:db8::9']) {
    assert.equal(formatRange(r(entry)), entry);
  }
  assert.equal(formatRange(r('10.0.0.0-10.0.0.255')), '10.0.0.0/24');
});

test('containment and overlap', () => {
  const p = r('10.0.0.0/24');
  assert.ok(rangeContains(p, { family: 4, value: 0x0a000000n }));
  assert.ok(rangeContains(p, { family: 4, value: 0x0a0000ffn }));
  assert.ok(!rangeContains(p, { family: 4, value: 0x0a000100n }));
  assert.ok(!rangeContains(p, { family: 6, value: 0x0a000001n }), 'other family');
  assert.ok(rangesOverlap(p, r('10.0.0.128/25')));
  assert.ok(rangesOverlap(r('10.0.0.0-10.0.0.5'), r('10.0.0.5-10.0.0.9')), 'one address in common');
  assert.ok(!rangesOverlap(r('10.0.0.0/25'), r('10.0.0.128/25')), 'adjacent');
  assert.ok(!rangesOverlap(r('0.0.0.0/0'), r('::/0')), 'families never overlap');
});

test('mergeRanges joins overlapping and touching ranges, per family', () => {
  const merged = mergeRanges([r('10.0.0.128/25'), r('2001:db8::/64'), r('10.0.0.0/25'), r('10.0.1.5-10.0.1.9'), r('10.0.1.7-10.0.1.20')]);
  assert.deepEqual(merged.map(formatRange), ['10.0.0.0/24', '10.0.1.5-10.0.1.20', '2001:db8::/64']);
});

test('findOverlaps reports every overlapping pair once, in input order', () => {
  const items = [
    { name: 'a', range: r('10.0.0.0/24') },
    { name: 'b', range: r('10.0.1.0/24') },
    { name: 'c', range: r('10.0.0.128/25') },
    { name: 'd', range: r('10.0.0.200-10.0.1.3') },
    { name: 'e', range: r('2001:db8::/64') },
    { name: 'f', range: r('10.0.2.0/24') },
  ];
  const pairs = findOverlaps(items).map(([x, y]) => x.name + y.name);
  assert.deepEqual(pairs, ['ac', 'ad', 'bd', 'cd']);
  // The same answer as comparing every pair.
  const brute: string[] = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) if (rangesOverlap(items[i]!.range, items[j]!.range)) brute.push(items[i]!.name + items[j]!.name);
  }
  assert.deepEqual(pairs, brute);
});

test('buggyCount agrees with counting address by address', () => {
  for (const entry of ['198.51.100.0/24', '10.0.0.254-10.0.1.2', '10.0.0.1-10.0.0.254', '10.0.0.255/32', '10.0.0.0/23', '0.0.0.0/22', '255.255.255.0/24', '10.0.0.10-10.0.0.29']) {
    const x = r(entry);
    let n = 0n;
    for (let v = x.first; v <= x.last; v++) if (isBuggy(v, 4)) n++;
    assert.equal(buggyCount(x), n, entry);
  }
  assert.equal(buggyCount(r('10.1.0.0/16')), 512n);
  assert.equal(buggyCount(r('10.0.0.0/8')), 2n * 65536n);
  assert.equal(buggyCount(r('2001:db8::/64')), 0n);
});

test('widestPrefixLength: the shortest block that tiles the range exactly', () => {
  const w = (e: string): number => widestPrefixLength(parseRange(e)!);
  assert.equal(w('1.1.1.0/28'), 28);
  assert.equal(w('0.0.0.0/0'), 0);
  assert.equal(w('10.0.0.0-10.0.0.5'), 30); // /30 + /31
  assert.equal(w('10.0.0.1-10.0.0.1'), 32);
  assert.equal(w('10.0.0.1-10.0.1.254'), 25); // .1/32 .2/31 .4/30 ... .128/25, then the mirror image
  assert.equal(w('2001:db8::/120'), 120);
  assert.equal(w('::/0'), 0);
  assert.equal(w('2001:db8::1-2001:db8::2'), 128);
});
