import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIP } from './address.js';
import { aggregate, canonicalPrefix, comparePrefixes, formatPrefix, hostMask, isNetwork, masked, parsePrefix, prefixContains, tryParsePrefix } from './prefix.js';

const P = (text: string) => parsePrefix(text) ?? assert.fail(`${text} does not parse`);
const ip = (text: string) => parseIP(text) ?? assert.fail(`${text} is not an address`);

test('parsePrefix: both families, the edge lengths', () => {
  assert.deepEqual(P('0.0.0.0/0'), { family: 4, value: 0n, length: 0 });
  assert.deepEqual(P('192.168.5.7/32'), { family: 4, value: 0xc0a80507n, length: 32 });
  assert.deepEqual(P('::/0'), { family: 6, value: 0n, length: 0 });
  assert.deepEqual(P('2001:db8::1/128'), { family: 6, value: (0x20010db8n << 96n) | 1n, length: 128 });
  assert.deepEqual(P('10.0.0.1/24'), { family: 4, value: 0x0a000001n, length: 24 }, 'host bits are kept as written');
});

test('tryParsePrefix: refusals say why, by kind', () => {
  const cases: [string, string, RegExp][] = [
    ['10.0.0.0', 'length', /has no prefix length/],
    ['10.0.0.0/33', 'length', /the prefix length must be a number from 0 to 32 for IPv4/],
    ['2001:db8::/129', 'length', /from 0 to 128 for IPv6/],
    ['10.0.0.0/024', 'length', /prefix length/],
    ['10.0.0.0/', 'length', /prefix length/],
    ['10.0.0.0/+8', 'length', /prefix length/],
    ['10.0.0.0/8/8', 'length', /prefix length/],
    ['10.0.0.300/24', 'syntax', /"10.0.0.300" is not an IP address/],
    ['::ffff:10.0.0.0/120', 'mapped', /IPv4-mapped IPv6 address; write the IPv4 address 10.0.0.0/],
    ['fe80::%eth0/64', 'zone', /has a zone/],
  ];
  for (const [text, kind, why] of cases) {
    const r = tryParsePrefix(text);
    assert.ok(!r.ok, text);
    assert.equal(!r.ok && r.kind, kind, text);
    assert.match(!r.ok ? r.error : '', why, text);
  }
});

test('masks, network test and aggregation', () => {
  assert.equal(hostMask(4, 24), 0xffn);
  assert.equal(hostMask(4, 0), 0xffffffffn);
  assert.equal(hostMask(4, 32), 0n);
  assert.equal(hostMask(6, 0), (1n << 128n) - 1n);
  assert.equal(hostMask(6, 128), 0n);
  assert.ok(isNetwork(P('10.0.0.0/8')));
  assert.ok(!isNetwork(P('10.0.0.1/8')));
  assert.ok(isNetwork(P('10.0.0.1/32')));
  assert.ok(isNetwork(P('::/0')));
  assert.ok(!isNetwork(P('::1/127')));
  assert.equal(formatPrefix(masked(P('192.168.155.150/24'))), '192.168.155.0/24');
  assert.equal(formatPrefix(masked(P('2001:db8:1:2:3::/48'))), '2001:db8:1::/48');
  assert.equal(formatPrefix(aggregate(ip('192.168.5.7'), 24)), '192.168.5.0/24');
  assert.equal(formatPrefix(aggregate(ip('192.168.5.7'), 32)), '192.168.5.7/32');
  assert.equal(formatPrefix(aggregate(ip('192.168.5.7'), 0)), '0.0.0.0/0');
  assert.equal(formatPrefix(aggregate(ip('2001:db8::5'), 128)), '2001:db8::5/128');
  assert.equal(formatPrefix(aggregate(ip('2001:db8::5'), 0)), '::/0');
});

test('prefixContains: both families, /0 and host prefixes, never across families', () => {
  assert.ok(prefixContains(P('0.0.0.0/0'), ip('255.255.255.255')));
  assert.ok(prefixContains(P('10.0.0.0/24'), ip('10.0.0.255')));
  assert.ok(!prefixContains(P('10.0.0.0/24'), ip('10.0.1.0')));
  assert.ok(prefixContains(P('10.0.0.7/32'), ip('10.0.0.7')));
  assert.ok(!prefixContains(P('10.0.0.7/32'), ip('10.0.0.8')));
  assert.ok(prefixContains(P('::/0'), ip('2001:db8::1')));
  assert.ok(prefixContains(P('2001:db8::1/128'), ip('2001:DB8::1')));
  assert.ok(!prefixContains(P('::/0'), ip('10.0.0.1')), 'an IPv6 /0 holds no IPv4 address');
  assert.ok(!prefixContains(P('0.0.0.0/0'), ip('::1')));
});

test('canonicalPrefix: IPv4 as given, IPv6 per RFC 5952, refused forms undefined', () => {
  assert.equal(canonicalPrefix('192.168.10.0/24'), '192.168.10.0/24');
  assert.equal(canonicalPrefix('2001:DB8:0:0::/64'), '2001:db8::/64');
  assert.equal(canonicalPrefix('64:ff9b::1.2.3.4/128'), '64:ff9b::102:304/128');
  assert.equal(canonicalPrefix('::ffff:1.2.3.4/128'), undefined);
  assert.equal(canonicalPrefix('192.168.010.0/24'), undefined);
  assert.equal(canonicalPrefix('nope'), undefined);
});

test('comparePrefixes: IPv4 first, then address, then length (FRR order)', () => {
  const sorted = ['2001:db8::/64', '10.0.0.0/24', '10.0.0.0/8', '9.0.0.0/8', '::/0'].map(P).sort(comparePrefixes).map(formatPrefix);
  assert.deepEqual(sorted, ['9.0.0.0/8', '10.0.0.0/8', '10.0.0.0/24', '::/0', '2001:db8::/64']);
});
