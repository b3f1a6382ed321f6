// ARP for IPv4 over Ethernet (RFC 826), parse and build (pure). Announcements follow RFC 5227:
// a gratuitous ARP is a broadcast request whose sender and target IP are both the announced IP.
import { BROADCAST, ETH_P_ARP, ethernet, parseEthernet } from './frame.js';

export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;
const ARP_LEN = 28;

export interface ArpPacket {
  /** Ethernet source of the frame (may differ from senderMAC on a proxying host). */
  ethSrc: Buffer;
  op: number;
  senderMAC: Buffer;
  senderIP: Buffer;
  targetMAC: Buffer;
  targetIP: Buffer;
}

/** An Ethernet/IPv4 ARP packet, or undefined for anything else (other hardware or protocol types). */
export function parseArp(frame: Buffer): ArpPacket | undefined {
  const eth = parseEthernet(frame);
  if (!eth || eth.type !== ETH_P_ARP || eth.payload.length < ARP_LEN) return undefined;
  const p = eth.payload;
  if (p.readUInt16BE(0) !== 1 || p.readUInt16BE(2) !== 0x0800 || p[4] !== 6 || p[5] !== 4) return undefined;
  return {
    ethSrc: eth.src,
    op: p.readUInt16BE(6),
    senderMAC: p.subarray(8, 14),
    senderIP: p.subarray(14, 18),
    targetMAC: p.subarray(18, 24),
    targetIP: p.subarray(24, 28),
  };
}

function arpFrame(ethDst: Buffer, op: number, senderMAC: Buffer, senderIP: Buffer, targetMAC: Buffer, targetIP: Buffer): Buffer {
  const p = Buffer.alloc(ARP_LEN);
  p.writeUInt16BE(1, 0); // Ethernet
  p.writeUInt16BE(0x0800, 2); // IPv4
  p[4] = 6;
  p[5] = 4;
  p.writeUInt16BE(op, 6);
  senderMAC.copy(p, 8);
  senderIP.copy(p, 14);
  targetMAC.copy(p, 18);
  targetIP.copy(p, 24);
  return ethernet(ethDst, senderMAC, ETH_P_ARP, p);
}

/** The reply to `req` saying that `ip` (the request's target) is at `mac`, sent to the asker. */
export function arpReply(req: ArpPacket, mac: Buffer): Buffer {
  return arpFrame(req.senderMAC, ARP_REPLY, mac, req.targetIP, req.senderMAC, req.senderIP);
}

/** A gratuitous ARP announcing `ip` at `mac` to the whole segment. */
export function gratuitousArp(ip: Buffer, mac: Buffer): Buffer {
  return arpFrame(BROADCAST, ARP_REQUEST, mac, ip, Buffer.alloc(6), ip);
}

/** A plain request for `targetIP` (what a client sends; used by tests and probes). */
export function arpRequest(senderMAC: Buffer, senderIP: Buffer, targetIP: Buffer): Buffer {
  return arpFrame(BROADCAST, ARP_REQUEST, senderMAC, senderIP, Buffer.alloc(6), targetIP);
}
