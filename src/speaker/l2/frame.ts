// Ethernet frames and the address conversions the ARP/NDP codecs share (pure, byte level).
import { formatIP, ipFromBytes, ipToBytes, tryParseIP } from '../../net/address.js';

export const ETH_P_ARP = 0x0806;
export const ETH_P_IPV6 = 0x86dd;
export const ETH_HEADER = 14;
export const BROADCAST = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

export interface EthernetHeader {
  dst: Buffer;
  src: Buffer;
  type: number;
  payload: Buffer;
}

/** The Ethernet header of a frame as the kernel hands it over (VLAN tags already stripped). */
export function parseEthernet(frame: Buffer): EthernetHeader | undefined {
  if (frame.length < ETH_HEADER) return undefined;
  return { dst: frame.subarray(0, 6), src: frame.subarray(6, 12), type: frame.readUInt16BE(12), payload: frame.subarray(ETH_HEADER) };
}

export function ethernet(dst: Buffer, src: Buffer, type: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(ETH_HEADER);
  dst.copy(head, 0);
  src.copy(head, 6);
  head.writeUInt16BE(type, 12);
  return Buffer.concat([head, payload]);
}

export const formatMAC = (mac: Buffer): string => [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':');

export function parseMAC(text: string): Buffer {
  const parts = text.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) throw new Error(`"${text}" is not a MAC address`);
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

/** An address's network-order bytes (4 or 16). */
export function ipBytes(text: string): Buffer {
  const r = tryParseIP(text);
  if (!r.ok) throw new Error(r.error);
  return Buffer.from(ipToBytes(r.ip));
}

/** Canonical text of 4 or 16 network-order bytes. */
export function ipText(bytes: Buffer): string {
  const ip = ipFromBytes(bytes);
  return formatIP(ip.value, ip.family);
}
