import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Address6 } from 'ip-address';
import { canonicalIP, formatIP, ipProblem, isBuggy, parseIP } from './ip.js';

test('parseIP: accepted forms and their values', () => {
  const cases: [string, 4 | 6, bigint][] = [
    ['0.0.0.0', 4, 0n],
    ['192.168.5.1', 4, 0xc0a80501n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['2001:db8::', 6, 0x20010db8n << 96n],
    ['2001:DB8:0:0:0:0:0:1', 6, (0x20010db8n << 96n) | 1n],
    ['64:ff9b::1.2.3.4', 6, (0x64ff9bn << 96n) | 0x01020304n],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 6, (1n << 128n) - 1n],
  ];
  for (const [text, family, value] of cases) assert.deepEqual(parseIP(text), { family, value }, text);
});

test('parseIP: refused forms say why', () => {
  const cases: [string, RegExp][] = [
    ['', /is not an IP address/],
    ['1.2.3', /is not an IP address/],
    ['010.0.0.1', /is not an IP address/],
    ['256.0.0.1', /is not an IP address/],
    [' 1.2.3.4', /is not an IP address/],
    ['10.0.0.0/24', /is not an IP address/],
    ['2001:db8::g', /is not an IP address/],
    ['fe80::1%eth0', /has a zone/],
    ['::ffff:10.0.0.1', /IPv4-mapped IPv6 address; write the IPv4 address 10.0.0.1/],
  ];
  for (const [text, why] of cases) {
    assert.equal(parseIP(text), undefined, text);
    assert.match(ipProblem(text) ?? '', why, text);
  }
  assert.equal(ipProblem('10.0.0.1'), undefined);
});

test('formatIP: dotted quad and RFC 5952, equal to ip-address correctForm()', () => {
  assert.equal(formatIP(0xc0a80501n, 4), '192.168.5.1');
  const v6: [string, string][] = [
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not "::"
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run wins
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of equal runs
    ['2001:DB8:00AB::', '2001:db8:ab::'],
  ];
  for (const [text, want] of v6) assert.equal(formatIP(parseIP(text)!.value, 6), want, text);
  // Deterministic pseudo-random values, biased towards zero groups so "::" placement is exercised.
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 2000; i++) {
    let v = 0n;
    for (let g = 0; g < 8; g++) v = (v << 16n) | BigInt(rnd() % 3 === 0 ? rnd() % 65536 : 0);
    assert.equal(formatIP(v, 6), Address6.fromBigInt(v).correctForm(), v.toString(16));
  }
});

test('canonicalIP', () => {
  assert.equal(canonicalIP('2001:DB8:0::0:5'), '2001:db8::5');
  assert.equal(canonicalIP('10.0.0.1'), '10.0.0.1');
  assert.equal(canonicalIP('nope'), undefined);
});

test('isBuggy: IPv4 ending in .0 or .255 only', () => {
  assert.ok(isBuggy(parseIP('198.51.100.0')!.value, 4));
  assert.ok(isBuggy(parseIP('198.51.100.255')!.value, 4));
  assert.ok(!isBuggy(parseIP('198.51.100.1')!.value, 4));
  assert.ok(!isBuggy(parseIP('198.51.100.254')!.value, 4));
  assert.ok(!isBuggy(parseIP('2001:db8::')!.value, 6), 'IPv6 has no buggy addresses');
  assert.ok(!isBuggy(parseIP('2001:db8::ff')!.value, 6));
});
