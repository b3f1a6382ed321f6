import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Address6 } from 'ip-address';
import { isIP } from 'node:net';
import { canonicalIP, compareIPs, formatIP, ipFamily, ipFromBytes, ipProblem, ipToBytes, isBuggy, parseIP, tryParseIP } from './address.js';

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

test('IPv4-mapped IPv6 is refused in every text form, naming the IPv4 address to write', () => {
  for (const text of ['::ffff:1.2.3.4', '::FFFF:1.2.3.4', '::ffff:102:304', '0:0:0:0:0:ffff:1.2.3.4', '0000:0000:0000:0000:0000:ffff:0102:0304']) {
    const r = tryParseIP(text);
    assert.equal(r.ok, false, text);
    assert.equal(!r.ok && r.kind, 'mapped', text);
    assert.equal(ipProblem(text), `"${text}" is an IPv4-mapped IPv6 address; write the IPv4 address 1.2.3.4`);
    assert.equal(canonicalIP(text), undefined, text);
  }
  // Neighbours of the mapped block are plain IPv6.
  assert.equal(canonicalIP('::fffe:1.2.3.4'), '::fffe:102:304');
  assert.equal(canonicalIP('::1:ffff:1.2.3.4'), '::1:ffff:102:304');
});

test('other dotted tails are plain IPv6, canonicalised to hex as Go prints them', () => {
  assert.equal(canonicalIP('64:ff9b::192.0.2.33'), '64:ff9b::c000:221');
  assert.equal(canonicalIP('::1.2.3.4'), '::102:304');
  assert.equal(canonicalIP('1:2:3:4:5:6:1.2.3.4'), '1:2:3:4:5:6:102:304');
  assert.equal(parseIP('::01.2.3.4'), undefined, 'no leading zeros in a dotted tail either');
});

test('zones and syntax errors are told apart', () => {
  const zone = tryParseIP('fe80::1%eth0');
  assert.ok(!zone.ok && zone.kind === 'zone');
  for (const text of ['1.2.3.4%eth0', '1.2.3.4.5', '1.2.3.', '.1.2.3', '1..2.3', '1.2.3.4 ', '1234.1.1.1', '1:2:3:4:5:6:7:8:9', '1::2::3', ':::1', '12345::', '::/0', '2001:db8::/64', 'x', '١.٢.٣.٤']) {
    const r = tryParseIP(text);
    assert.ok(!r.ok && r.kind === 'syntax', text);
  }
});

test('parseIP agrees with node:net isIP on what is an address (mapped and zones aside)', () => {
  const samples = ['0.0.0.0', '255.255.255.255', '256.1.1.1', '1.2.3.04', '1.2.3.4', '::', '::1', '1::', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', 'fffff::', 'g::', '2001:db8::1.2.3.4', '2001:db8::1.2.3', '::1.2.3.256', '1.2.3.4::', '::1:2:3:4:5:6:7', '1::2:3:4:5:6:7:8', 'a:b:c:d:e:f:0:1'];
  for (const text of samples) assert.equal(parseIP(text)?.family ?? 0, isIP(text), text);
});

test('canonical text: an IPv4 text is returned as given, IPv6 per RFC 5952, mapped values in mixed form', () => {
  assert.equal(canonicalIP('192.0.2.1'), '192.0.2.1');
  assert.equal(canonicalIP('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  assert.equal(formatIP((0xffffn << 32n) | 0x01020304n, 6), '::ffff:1.2.3.4', 'RFC 5952 section 5');
  assert.equal(formatIP(0n, 4), '0.0.0.0');
});

test('ipFamily, compareIPs and bytes', () => {
  assert.equal(ipFamily('10.0.0.1'), 4);
  assert.equal(ipFamily('fd00::1'), 6);
  assert.equal(ipFamily('::ffff:10.0.0.1'), undefined);
  assert.equal(ipFamily('nope'), undefined);
  const sorted = ['::1', '10.0.0.2', '10.0.0.10', '2001:db8::', '0.0.0.0'].map((t) => parseIP(t)!).sort(compareIPs);
  assert.deepEqual(sorted.map((ip) => formatIP(ip.value, ip.family)), ['0.0.0.0', '10.0.0.2', '10.0.0.10', '::1', '2001:db8::']);
  assert.deepEqual([...ipToBytes(parseIP('192.168.77.10')!)], [192, 168, 77, 10]);
  const v6 = parseIP('2001:db8::1:2')!;
  assert.equal(ipToBytes(v6).length, 16);
  assert.deepEqual(ipFromBytes(ipToBytes(v6)), v6);
  assert.deepEqual(ipFromBytes(new Uint8Array([10, 0, 0, 1])), { family: 4, value: 0x0a000001n });
});
