// IPv6 Neighbor Discovery over Ethernet (RFC 4861): Neighbor Solicitations in, Neighbor
// Advertisements out (pure). Solicitations are validated as section 7.1.1 asks (hop limit 255,
// code 0, checksum, target not multicast, no source link-layer option from the unspecified
// address), so a forged or mangled packet is never answered.
import { ETH_P_IPV6, ethernet, parseEthernet } from './frame.js';

export const NS_TYPE = 135;
export const NA_TYPE = 136;
const IPV6_HEADER = 40;
const ICMPV6 = 58;
const OPT_SOURCE_LL = 1;
const OPT_TARGET_LL = 2;
const ALL_NODES = Buffer.from('ff020000000000000000000000000001', 'hex');
const UNSPECIFIED = Buffer.alloc(16);

export interface NeighborSolicitation {
  ethSrc: Buffer;
  src: Buffer;
  dst: Buffer;
  target: Buffer;
  /** The asker's MAC from the source link-layer address option, when present. */
  sourceMAC?: Buffer;
}

export interface NeighborAdvertisement {
  ethSrc: Buffer;
  src: Buffer;
  dst: Buffer;
  target: Buffer;
  solicited: boolean;
  override: boolean;
  targetMAC?: Buffer;
}

/** ff02::1:ffXX:XXXX, the group a node joins to hear solicitations for `ip`. */
export function solicitedNode(ip: Buffer): Buffer {
  const g = Buffer.from('ff0200000000000000000001ff000000', 'hex');
  ip.copy(g, 13, 13, 16);
  return g;
}

/** 33:33 + the low 32 bits: the Ethernet address of an IPv6 multicast group. */
export function multicastMAC(group: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x33, 0x33]), group.subarray(12, 16)]);
}

/** The ICMPv6 checksum over the pseudo-header (RFC 8200 section 8.1) and `icmp`. */
export function icmp6Checksum(src: Buffer, dst: Buffer, icmp: Buffer): number {
  const pseudo = Buffer.alloc(40);
  src.copy(pseudo, 0);
  dst.copy(pseudo, 16);
  pseudo.writeUInt32BE(icmp.length, 32);
  pseudo[39] = ICMPV6;
  let sum = 0;
  const add = (b: Buffer): void => {
    for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
    if (b.length % 2 === 1) sum += b[b.length - 1]! << 8;
  };
  add(pseudo);
  add(icmp);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

interface Icmp6 {
  ethSrc: Buffer;
  src: Buffer;
  dst: Buffer;
  body: Buffer;
}

function parseIcmp6(frame: Buffer, type: number): Icmp6 | undefined {
  const eth = parseEthernet(frame);
  if (!eth || eth.type !== ETH_P_IPV6 || eth.payload.length < IPV6_HEADER + 24) return undefined;
  const ip = eth.payload;
  if (ip[0]! >> 4 !== 6 || ip[6] !== ICMPV6 || ip[7] !== 255) return undefined;
  const len = ip.readUInt16BE(4);
  if (len < 24 || IPV6_HEADER + len > ip.length) return undefined;
  const src = ip.subarray(8, 24);
  const dst = ip.subarray(24, 40);
  const body = ip.subarray(IPV6_HEADER, IPV6_HEADER + len);
  if (body[0] !== type || body[1] !== 0) return undefined;
  // A correct checksum sums (with itself included) to zero.
  if (icmp6Checksum(src, dst, body) !== 0) return undefined;
  return { ethSrc: eth.src, src, dst, body };
}

/** Link-layer address options of type `want`; undefined when the options are malformed. */
function linkOption(opts: Buffer, want: number): { mac?: Buffer; seen: boolean } | undefined {
  let mac: Buffer | undefined;
  let seen = false;
  for (let i = 0; i < opts.length; ) {
    if (i + 2 > opts.length) return undefined;
    const len = opts[i + 1]! * 8;
    if (len === 0 || i + len > opts.length) return undefined;
    if (opts[i] === want) {
      seen = true;
      if (len >= 8) mac = opts.subarray(i + 2, i + 8);
    }
    i += len;
  }
  return mac ? { mac, seen } : { seen };
}

export function parseNeighborSolicitation(frame: Buffer): NeighborSolicitation | undefined {
  const m = parseIcmp6(frame, NS_TYPE);
  if (!m) return undefined;
  const target = m.body.subarray(8, 24);
  if (target[0] === 0xff) return undefined;
  const opt = linkOption(m.body.subarray(24), OPT_SOURCE_LL);
  if (!opt) return undefined;
  if (m.src.equals(UNSPECIFIED)) {
    // Duplicate address detection: only to the solicited-node group, never with an SLLA option.
    if (!m.dst.equals(solicitedNode(target)) || opt.seen) return undefined;
  }
  const ns: NeighborSolicitation = { ethSrc: m.ethSrc, src: m.src, dst: m.dst, target };
  if (opt.mac) ns.sourceMAC = opt.mac;
  return ns;
}

export function parseNeighborAdvertisement(frame: Buffer): NeighborAdvertisement | undefined {
  const m = parseIcmp6(frame, NA_TYPE);
  if (!m) return undefined;
  const opt = linkOption(m.body.subarray(24), OPT_TARGET_LL);
  if (!opt) return undefined;
  const flags = m.body[4]!;
  const na: NeighborAdvertisement = {
    ethSrc: m.ethSrc,
    src: m.src,
    dst: m.dst,
    target: m.body.subarray(8, 24),
    solicited: (flags & 0x40) !== 0,
    override: (flags & 0x20) !== 0,
  };
  if (opt.mac) na.targetMAC = opt.mac;
  return na;
}

function icmp6Frame(ethDst: Buffer, ethSrc: Buffer, src: Buffer, dst: Buffer, body: Buffer): Buffer {
  body.writeUInt16BE(0, 2);
  body.writeUInt16BE(icmp6Checksum(src, dst, body), 2);
  const ip = Buffer.alloc(IPV6_HEADER);
  ip.writeUInt32BE(0x60000000, 0);
  ip.writeUInt16BE(body.length, 4);
  ip[6] = ICMPV6;
  ip[7] = 255;
  src.copy(ip, 8);
  dst.copy(ip, 24);
  return ethernet(ethDst, ethSrc, ETH_P_IPV6, Buffer.concat([ip, body]));
}

function ndBody(type: number, flags: number, target: Buffer, option: number, mac: Buffer): Buffer {
  const b = Buffer.alloc(32);
  b[0] = type;
  b[4] = flags;
  target.copy(b, 8);
  b[24] = option;
  b[25] = 1;
  mac.copy(b, 26);
  return b;
}

/**
 * The advertisement answering `ns` with `mac` for its target, from `src` (an address of the
 * interface). Solicited and to the asker; to all nodes when the asker had no address yet (DAD).
 */
export function neighborAdvertisement(ns: NeighborSolicitation, mac: Buffer, src: Buffer): Buffer {
  const dad = ns.src.equals(UNSPECIFIED);
  const dst = dad ? ALL_NODES : ns.src;
  const ethDst = dad ? multicastMAC(ALL_NODES) : (ns.sourceMAC ?? ns.ethSrc);
  return icmp6Frame(ethDst, mac, src, dst, ndBody(NA_TYPE, (dad ? 0 : 0x40) | 0x20, ns.target, OPT_TARGET_LL, mac));
}

/** An unsolicited advertisement (override set) telling every node that `ip` moved to `mac`. */
export function unsolicitedAdvertisement(ip: Buffer, mac: Buffer, src: Buffer): Buffer {
  return icmp6Frame(multicastMAC(ALL_NODES), mac, src, ALL_NODES, ndBody(NA_TYPE, 0x20, ip, OPT_TARGET_LL, mac));
}

/** A solicitation for `target` (multicast to its solicited-node group unless `unicastMAC`). */
export function neighborSolicitation(mac: Buffer, src: Buffer, target: Buffer, unicastMAC?: Buffer): Buffer {
  const dst = unicastMAC ? target : solicitedNode(target);
  return icmp6Frame(unicastMAC ?? multicastMAC(dst), mac, src, dst, ndBody(NS_TYPE, 0, target, OPT_SOURCE_LL, mac));
}
