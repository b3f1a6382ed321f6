// Single IP addresses as {family, value: bigint}: strict parsing, canonical (RFC 5952) text, and
// the "buggy IP" rule. Values are bigints so IPv4 and IPv6 share one arithmetic.
import { isIP } from 'node:net';
import { Address6 } from 'ip-address';

export type Family = 4 | 6;

/** An address: its family and its value as an unsigned integer (32 or 128 bits). */
export interface IP {
  family: Family;
  value: bigint;
}

/** Address width in bits per family. */
export const BITS: Readonly<Record<Family, number>> = { 4: 32, 6: 128 };

const MAPPED = /^::ffff:\d+\.\d+\.\d+\.\d+$/i;
const SHIFTS = [96n, 64n, 32n, 0n];
/** Scratch space for formatIP (single-threaded, never escapes). */
const groups = new Uint16Array(8);

/**
 * Why `text` is not an address this code accepts, or undefined when it is one. Accepted: dotted
 * IPv4 without leading zeros, any IPv6 text form. Refused: zones ("fe80::1%eth0", not routable
 * beyond a link) and IPv4-mapped IPv6 ("::ffff:1.2.3.4", which Go — and so upstream MetalLB —
 * reads as IPv4: ambiguous, so the user must write the IPv4 form).
 */
export function ipProblem(text: string): string | undefined {
  const fam = isIP(text);
  if (fam === 0) return `"${text}" is not an IP address`;
  if (fam === 6 && text.includes('%')) return `"${text}" has a zone (%...), which a load-balancer IP cannot have`;
  if (fam === 6 && MAPPED.test(text)) return `"${text}" is an IPv4-mapped IPv6 address; write the IPv4 address ${text.slice(7)}`;
  return undefined;
}

/** Parses one address (no surrounding spaces, no prefix length); undefined when ipProblem() says why. */
export function parseIP(text: string): IP | undefined {
  if (ipProblem(text) !== undefined) return undefined;
  if (isIP(text) === 4) {
    const [a = 0, b = 0, c = 0, d = 0] = text.split('.').map(Number);
    return { family: 4, value: BigInt(a * 0x1000000 + b * 0x10000 + c * 0x100 + d) };
  }
  // ip-address handles every IPv6 text form ("::" anywhere, embedded dotted IPv4 tails).
  return { family: 6, value: new Address6(text).bigInt() };
}

/**
 * Canonical text of an address: dotted quad, or RFC 5952 IPv6 (lowercase, no leading zeros, the
 * first longest run of two or more zero groups as "::"). Hand-written rather than ip-address's
 * correctForm() because it is on the allocator's hot path (~100x faster); tests hold the two equal.
 */
export function formatIP(value: bigint, family: Family): string {
  if (family === 4) {
    const n = Number(value);
    return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  for (let w = 0; w < 4; w++) {
    const word = Number((value >> SHIFTS[w]!) & 0xffffffffn);
    groups[2 * w] = word >>> 16;
    groups[2 * w + 1] = word & 0xffff;
  }
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      text += '::';
      i += bestLen - 1;
    } else text += (i === 0 || i === best + bestLen ? '' : ':') + groups[i]!.toString(16);
  }
  return text;
}

/** The canonical form of an address text, or undefined if it is not one (see ipProblem). */
export function canonicalIP(text: string): string | undefined {
  const ip = parseIP(text);
  return ip && formatIP(ip.value, ip.family);
}

/**
 * avoidBuggyIPs: IPv4 addresses whose last octet is 0 or 255 are never handed out (old CPE
 * firmware with smurf protection drops traffic to them). IPv6 has no such addresses.
 */
export function isBuggy(value: bigint, family: Family): boolean {
  if (family !== 4) return false;
  const last = value & 255n;
  return last === 0n || last === 255n;
}
