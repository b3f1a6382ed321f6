// Byte-level tests of the ARP and NDP codecs. The request frames are real: captured from iputils
// arping and ndisc6 in a network namespace (through our packet addon).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arpReply, gratuitousArp, parseArp, arpRequest, ARP_REQUEST } from './arp.js';
import { icmp6Checksum, multicastMAC, neighborAdvertisement, neighborSolicitation, parseNeighborAdvertisement, parseNeighborSolicitation, solicitedNode, unsolicitedAdvertisement } from './ndp.js';
import { formatMAC, ipBytes, ipText, parseMAC } from './frame.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const ARPING = hex('ffffffffffff 02000000000a 0806 0001 0800 06 04 0001 02000000000a c0a84d0a ffffffffffff c0a84d0b');
const NDISC6 = hex(
  '3333ff00000b 02000000000a 86dd 600a9d7a 0020 3a ff fc00007700000000000000000000000a ff0200000000000000000001ff00000b' +
    ' 8700 7e85 00000000 fc00007700000000000000000000000b 0101 02000000000a',
);
const OURS = parseMAC('02:00:00:00:00:0b');

test('arping request: parsed field by field', () => {
  const p = parseArp(ARPING);
  assert.ok(p);
  assert.equal(p.op, ARP_REQUEST);
  assert.equal(formatMAC(p.senderMAC), '02:00:00:00:00:0a');
  assert.equal(ipText(p.senderIP), '192.168.77.10');
  assert.equal(ipText(p.targetIP), '192.168.77.11');
});

test('ARP reply: exact bytes, to the asker', () => {
  const req = parseArp(ARPING)!;
  assert.equal(arpReply(req, OURS).toString('hex'), hex('02000000000a 02000000000b 0806 0001 0800 06 04 0002 02000000000b c0a84d0b 02000000000a c0a84d0a').toString('hex'));
});

test('gratuitous ARP: broadcast request with sender IP = target IP (RFC 5227 announcement)', () => {
  assert.equal(gratuitousArp(ipBytes('10.19.140.10'), OURS).toString('hex'), hex('ffffffffffff 02000000000b 0806 0001 0800 06 04 0001 02000000000b 0a138c0a 000000000000 0a138c0a').toString('hex'));
  assert.equal(arpRequest(parseMAC('02:00:00:00:00:0a'), ipBytes('192.168.77.10'), ipBytes('192.168.77.11')).subarray(0, 32).toString('hex'), ARPING.subarray(0, 32).toString('hex'));
});

test('ARP: other hardware/protocol types, short frames and other ethertypes are not ARP', () => {
  const wrongProto = Buffer.from(ARPING);
  wrongProto.writeUInt16BE(0x86dd, 16);
  assert.equal(parseArp(wrongProto), undefined);
  assert.equal(parseArp(ARPING.subarray(0, 30)), undefined);
  assert.equal(parseArp(NDISC6), undefined);
});

test('ndisc6 solicitation: parsed, checksum verified', () => {
  assert.equal(NDISC6.length, 14 + 40 + 32);
  const ns = parseNeighborSolicitation(NDISC6);
  assert.ok(ns);
  assert.equal(ipText(ns.src), 'fc00:77::a');
  assert.equal(ipText(ns.dst), 'ff02::1:ff00:b');
  assert.equal(ipText(ns.target), 'fc00:77::b');
  assert.equal(formatMAC(ns.sourceMAC!), '02:00:00:00:00:0a');
});

test('our solicitation is byte for byte what ndisc6 sends (but for its random flow label)', () => {
  const ours = neighborSolicitation(parseMAC('02:00:00:00:00:0a'), ipBytes('fc00:77::a'), ipBytes('fc00:77::b'));
  const theirs = Buffer.from(NDISC6);
  theirs.writeUInt32BE(0x60000000, 14);
  assert.equal(ours.toString('hex'), theirs.toString('hex'));
});

test('solicitations that RFC 4861 7.1.1 says to drop are dropped', () => {
  // Mutates a copy, then fixes the checksum so that only the mutation is wrong.
  const bad = (mutate: (b: Buffer) => void, fix = true): Buffer => {
    const b = Buffer.from(NDISC6);
    mutate(b);
    if (fix) {
      b.writeUInt16BE(0, 56);
      b.writeUInt16BE(icmp6Checksum(b.subarray(22, 38), b.subarray(38, 54), b.subarray(54)), 56);
    }
    return b;
  };
  assert.ok(parseNeighborSolicitation(bad(() => undefined)), 'the re-checksummed original is valid');
  assert.equal(parseNeighborSolicitation(bad((b) => (b[21] = 64))), undefined, 'hop limit not 255');
  assert.equal(parseNeighborSolicitation(bad((b) => (b[55] = 1))), undefined, 'code not 0');
  assert.equal(parseNeighborSolicitation(bad((b) => (b[60] = b[60]! ^ 1), false)), undefined, 'bad checksum');
  assert.equal(parseNeighborSolicitation(bad((b) => (b[79] = 0))), undefined, 'zero-length option');
  assert.equal(parseNeighborSolicitation(bad((b) => (b[62] = 0xff))), undefined, 'multicast target');
  // DAD (unspecified source) with a source link-layer option: invalid
  const dad = neighborSolicitation(parseMAC('02:00:00:00:00:0a'), Buffer.alloc(16), ipBytes('fc00:77::b'));
  assert.equal(parseNeighborSolicitation(dad), undefined);
  assert.equal(parseNeighborSolicitation(hex('0011')), undefined);
});

test('solicited advertisement: to the asker, S and O set, target link-layer option, valid checksum', () => {
  const ns = parseNeighborSolicitation(NDISC6)!;
  const na = neighborAdvertisement(ns, OURS, ipBytes('fe80::b'));
  assert.equal(na.subarray(0, 14).toString('hex'), '02000000000a02000000000b86dd');
  assert.equal(na.subarray(14, 22).toString('hex'), '6000000000203aff');
  const icmp = na.subarray(54);
  assert.equal(icmp.subarray(0, 2).toString('hex'), '8800');
  assert.equal(icmp[4], 0x60, 'S|O');
  assert.equal(icmp.subarray(8, 24).toString('hex'), ipBytes('fc00:77::b').toString('hex'));
  assert.equal(icmp.subarray(24).toString('hex'), '0201' + '02000000000b');
  assert.equal(icmp6Checksum(ipBytes('fe80::b'), ipBytes('fc00:77::a'), icmp), 0);
  const back = parseNeighborAdvertisement(na)!;
  assert.deepEqual([ipText(back.target), back.solicited, back.override, formatMAC(back.targetMAC!)], ['fc00:77::b', true, true, '02:00:00:00:00:0b']);
});

test('unicast solicitation (NUD probe) is answered like a multicast one', () => {
  const ns = parseNeighborSolicitation(neighborSolicitation(parseMAC('02:00:00:00:00:0a'), ipBytes('fc00:77::a'), ipBytes('fc00:77::b'), OURS))!;
  assert.equal(ipText(ns.dst), 'fc00:77::b');
  assert.equal(neighborAdvertisement(ns, OURS, ipBytes('fc00:77::b')).subarray(0, 6).toString('hex'), '02000000000a');
});

test('unsolicited advertisement: all-nodes, override, not solicited', () => {
  const na = unsolicitedAdvertisement(ipBytes('fc00:77::100'), OURS, ipBytes('fe80::b'));
  assert.equal(na.subarray(0, 6).toString('hex'), '333300000001');
  const p = parseNeighborAdvertisement(na)!;
  assert.deepEqual([ipText(p.dst), ipText(p.target), p.solicited, p.override], ['ff02::1', 'fc00:77::100', false, true]);
});

test('solicited-node group and multicast MAC', () => {
  assert.equal(ipText(solicitedNode(ipBytes('fc00:77::12:3456'))), 'ff02::1:ff12:3456');
  assert.equal(formatMAC(multicastMAC(solicitedNode(ipBytes('fc00:77::12:3456')))), '33:33:ff:12:34:56');
  assert.throws(() => parseMAC('02:00'), /not a MAC/);
});
