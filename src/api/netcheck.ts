// TypeScript twins of the CEL IP/CIDR functions the CRDs use (isIP, isCIDR, cidr().masked()), so the
// offline validator agrees with the apiserver.
import { isIP as nodeIsIP } from 'node:net';

/** CEL's isIP(): a plain IPv4 or IPv6 address, no zone, no IPv4-mapped IPv6 form. */
export function celIsIP(text: string): boolean {
  if (text.includes('%')) return false;
  const family = nodeIsIP(text);
  if (family === 0) return false;
  if (family === 6 && /\d+\.\d+\.\d+\.\d+$/.test(text)) return false;
  return true;
}

export function ipFamily(text: string): 4 | 6 {
  return nodeIsIP(text) === 6 ? 6 : 4;
}

/** Big-endian integer value of an address, for mask checks. */
export function ipToBigInt(text: string): bigint {
  if (nodeIsIP(text) === 4) return text.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  const [head = '', tail = ''] = text.split('::');
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const h = groups(head);
  const t = text.includes('::') ? groups(tail) : [];
  const all = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** CEL's isCIDR(self) && cidr(self) is its own masked form (no host bits set). */
export function isCanonicalCIDR(text: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!m || !celIsIP(m[1]!)) return false;
  const bits = ipFamily(m[1]!) === 4 ? 32 : 128;
  const len = Number(m[2]);
  if (len > bits) return false;
  const hostMask = (1n << BigInt(bits - len)) - 1n;
  return (ipToBigInt(m[1]!) & hostMask) === 0n;
}

/** "a-b" with two addresses of one family (spaces around '-' allowed, as MetalLB allows them). */
export function isAddressRange(text: string): boolean {
  const parts = text.split('-');
  if (parts.length !== 2) return false;
  const [a, b] = parts.map((p) => p.trim()) as [string, string];
  return celIsIP(a) && celIsIP(b) && ipFamily(a) === ipFamily(b);
}

export function isCIDRSyntax(text: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  return !!m && celIsIP(m[1]!) && Number(m[2]) <= (ipFamily(m[1]!) === 4 ? 32 : 128);
}
