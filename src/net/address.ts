// Single IP addresses as {family, value: bigint}: the one address parser of the codebase (strict,
// with a reason a user can act on), canonical text, order and network-order bytes. Values are
// bigints so IPv4 and IPv6 share one arithmetic with prefixes and ranges. Pure.
//
// One rule for IPv4-mapped IPv6 (::ffff:0:0/96, in any text form): refused, naming the IPv4 address
// to write instead. Kubernetes' CEL isIP()/cidr() (which our CRDs use) refuse them, Service IPs are
// never in that form, and Go's net package reads "::ffff:1.2.3.4" as the IPv4 1.2.3.4, so accepting
// one would either announce a route nobody can reach or silently turn into another address. Other
// dotted tails (NAT64 64:ff9b::1.2.3.4, the old ::1.2.3.4) are plain IPv6 and are accepted.
import { Address6 } from 'ip-address';

export type Family = 4 | 6;

/** An address: its family and its value as an unsigned integer (32 or 128 bits). */
export interface IP {
  family: Family;
  value: bigint;
}

/**
 * Why a text is refused: not an address at all ('syntax'), or an address of a kind a
 * load-balancer IP cannot be ('zone', 'mapped'), which callers report with the parser's reason.
 */
export type IPRefusal = 'syntax' | 'zone' | 'mapped';

export type IPResult = { ok: true; ip: IP } | { ok: false; kind: IPRefusal; error: string };

/** Address width in bits per family. */
export const BITS: Readonly<Record<Family, number>> = { 4: 32, 6: 128 };

const MAPPED_HIGH = 0xffffn; // bits 32-47 of an IPv4-mapped address; bits 48-127 are zero
const SHIFTS = [96n, 64n, 32n, 0n];
/** Scratch space for formatIP (single-threaded, never escapes). */
const groups = new Uint16Array(8);

/**
 * A dotted quad's value, or -1. Hand-written rather than ip-address's Address4 because the FRR
 * renderer parses tens of thousands of IPv4 prefixes per render: with Address4, bench/frr-render
 * took 226 ms (median, 10,000 prefixes; target 200), with this 87 ms.
 * Exactly four decimal octets of at most 255, no leading zeros (they read as octal elsewhere).
 */
function parseIPv4(text: string): number {
  const end = text.length;
  let value = 0;
  let i = 0;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (text.charCodeAt(i) !== 46) return -1; // '.'
      i++;
    }
    const start = i;
    let n = 0;
    for (let c = text.charCodeAt(i); c >= 48 && c <= 57 && i - start < 3; c = text.charCodeAt(++i)) n = n * 10 + c - 48;
    if (i === start || n > 255 || (i - start > 1 && text.charCodeAt(start) === 48)) return -1;
    value = value * 256 + n;
  }
  return i === end ? value : -1;
}

/** The value of an IPv6 text (any RFC 4291 form, dotted IPv4 tail included), or undefined. */
function parseIPv6(text: string): bigint | undefined {
  // ip-address would read a "/len" suffix as a subnet and "%zone" as a zone: neither is an address.
  if (text.includes('/') || text.includes('%') || !text.includes(':')) return undefined;
  try {
    return new Address6(text).bigInt();
  } catch {
    return undefined;
  }
}

/**
 * Parses one address (no surrounding spaces, no prefix length), or says why it is not one a
 * load-balancer IP can be: not an address, a zone ("fe80::1%eth0", meaningless beyond a link), or
 * IPv4-mapped IPv6 (see the rule above).
 */
export function tryParseIP(text: string): IPResult {
  const v4 = parseIPv4(text);
  if (v4 >= 0) return { ok: true, ip: { family: 4, value: BigInt(v4) } };
  const zone = text.indexOf('%');
  if (zone > 0 && parseIPv6(text.slice(0, zone)) !== undefined) return { ok: false, kind: 'zone', error: `"${text}" has a zone (%...), which a load-balancer IP cannot have` };
  const v6 = parseIPv6(text);
  if (v6 === undefined) return { ok: false, kind: 'syntax', error: `"${text}" is not an IP address` };
  if (v6 >> 32n === MAPPED_HIGH) return { ok: false, kind: 'mapped', error: `"${text}" is an IPv4-mapped IPv6 address; write the IPv4 address ${formatIP(v6 & 0xffffffffn, 4)}` };
  return { ok: true, ip: { family: 6, value: v6 } };
}

/** Why `text` is not an address this code accepts, or undefined when it is one. */
export function ipProblem(text: string): string | undefined {
  const r = tryParseIP(text);
  return r.ok ? undefined : r.error;
}

/** tryParseIP() without the reason. */
export function parseIP(text: string): IP | undefined {
  const r = tryParseIP(text);
  return r.ok ? r.ip : undefined;
}

/** The family of an address text, or undefined when it is not one. */
export function ipFamily(text: string): Family | undefined {
  return parseIP(text)?.family;
}

/**
 * Canonical text of an address: dotted quad, or RFC 5952 IPv6 (lowercase, no leading zeros, the
 * first longest run of two or more zero groups as "::"; an IPv4-mapped value in the mixed form
 * "::ffff:1.2.3.4", as RFC 5952 section 5, Go and glibc print it). Hand-written rather than
 * ip-address's correctForm() because it is on the allocator's and renderer's hot paths (~100x
 * faster); tests hold the two equal.
 */
export function formatIP(value: bigint, family: Family): string {
  if (family === 4) {
    const n = Number(value);
    return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  if (value >> 32n === MAPPED_HIGH) return `::ffff:${formatIP(value & 0xffffffffn, 4)}`;
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

/** The canonical form of an address text, or undefined if it is not one (see tryParseIP). */
export function canonicalIP(text: string): string | undefined {
  const ip = parseIP(text);
  if (!ip) return undefined;
  // A dotted quad the parser accepts (no leading zeros) is already canonical: skip the formatting.
  return ip.family === 4 ? text : formatIP(ip.value, 6);
}

/** Order of addresses: IPv4 before IPv6, then by value (FRR's and the allocator's order). */
export function compareIPs(a: IP, b: IP): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

/** Network-order bytes of an address (4 or 16), as packets and certificates carry it. */
export function ipToBytes(ip: IP): Uint8Array {
  const out = new Uint8Array(ip.family === 4 ? 4 : 16);
  let v = ip.value;
  for (let i = out.length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** The address held in 4 or 16 network-order bytes. */
export function ipFromBytes(bytes: Uint8Array): IP {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return { family: bytes.length === 4 ? 4 : 6, value };
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
