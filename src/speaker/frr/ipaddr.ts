// Small, allocation-light IP helpers for the FRR renderer: parse, canonical text (the form FRR prints
// with inet_ntop), and ordering. Kept local so render/diff stay fast for 10,000 prefixes and do not
// depend on a general-purpose library's object model.

export type IpFamily = 'ipv4' | 'ipv6';

export interface ParsedIp {
  family: IpFamily;
  /** 4 bytes for IPv4, 16 for IPv6. */
  bytes: Uint8Array;
}

const IPV4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIPv4(text: string): Uint8Array | undefined {
  const m = IPV4_RE.exec(text);
  if (!m) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = m[i + 1] as string;
    if (part.length > 1 && part.startsWith('0')) return undefined; // no octal-looking octets
    const n = Number(part);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

export function parseIPv6(text: string): Uint8Array | undefined {
  if (text.length < 2 || text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let head = text;
  let v4tail: Uint8Array | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    v4tail = parseIPv4(text.slice(lastColon + 1));
    if (!v4tail) return undefined;
    head = text.slice(0, lastColon + 1) + '0:0'; // placeholder groups, overwritten below
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      groups.push(parseInt(g, 16));
    }
    return groups;
  };
  const left = parseGroups(halves[0] as string);
  const right = halves.length === 2 ? parseGroups(halves[1] as string) : [];
  if (!left || !right) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - left.length - right.length;
    if (missing < 1) return undefined;
    groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  } else {
    if (left.length !== 8) return undefined;
    groups = left;
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = groups[i] as number;
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  }
  if (v4tail) out.set(v4tail, 12);
  return out;
}

export function parseIp(text: string): ParsedIp | undefined {
  const v4 = parseIPv4(text);
  if (v4) return { family: 'ipv4', bytes: v4 };
  const v6 = parseIPv6(text);
  if (v6) return { family: 'ipv6', bytes: v6 };
  return undefined;
}

/** RFC 5952 text, as glibc's inet_ntop (and so FRR) prints it, including ::ffff:a.b.c.d. */
export function formatIPv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((b[i * 2] as number) << 8) | (b[i * 2 + 1] as number));
  const isMapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (isMapped) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  // glibc also prints the deprecated IPv4-compatible form ::a.b.c.d (words 0-5 zero, word 6 set).
  if (groups.slice(0, 6).every((g) => g === 0) && groups[6] !== 0) return `::${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function formatIp(p: ParsedIp): string {
  return p.family === 'ipv4' ? Array.from(p.bytes).join('.') : formatIPv6(p.bytes);
}

/** Canonical text of an address, or undefined when it is not one. */
export function canonicalIp(text: string): string | undefined {
  const p = parseIp(text);
  return p ? formatIp(p) : undefined;
}

export interface ParsedPrefix extends ParsedIp {
  length: number;
}

export function parsePrefix(text: string): ParsedPrefix | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) return undefined;
  const ip = parseIp(text.slice(0, slash));
  if (!ip) return undefined;
  const length = Number(lenText);
  if (length > (ip.family === 'ipv4' ? 32 : 128)) return undefined;
  return { ...ip, length };
}

/** True when no bit after the prefix length is set (FRR would otherwise mask or refuse it). */
export function isNetworkAddress(p: ParsedPrefix): boolean {
  for (let bit = p.length; bit < p.bytes.length * 8; bit++) {
    if (((p.bytes[bit >> 3] as number) >> (7 - (bit & 7))) & 1) return false;
  }
  return true;
}

export function formatPrefix(p: ParsedPrefix): string {
  return `${formatIp(p)}/${p.length}`;
}

const V4_PREFIX_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Fast path for the common case (IPv4 prefixes, tens of thousands per render): the address as a
 * 32-bit number and the length, without allocating byte arrays. Undefined if not an IPv4 prefix.
 */
export function parseIPv4Prefix(text: string): { value: number; length: number } | undefined {
  const m = V4_PREFIX_RE.exec(text);
  if (!m) return undefined;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i] as string;
    if (part.length > 1 && part.charCodeAt(0) === 48) return undefined;
    const n = +part;
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  const length = +(m[5] as string);
  if (length > 32 || ((m[5] as string).length > 1 && (m[5] as string).charCodeAt(0) === 48)) return undefined;
  return { value, length };
}

/** True when an IPv4 prefix from parseIPv4Prefix has no host bits set. */
export function isIPv4NetworkAddress(p: { value: number; length: number }): boolean {
  if (p.length === 32) return true;
  const hostBits = 2 ** (32 - p.length);
  return p.value % hostBits === 0;
}

/** Canonical prefix text, or undefined when it is not a prefix. */
export function canonicalPrefix(text: string): string | undefined {
  // A valid IPv4 prefix (no leading zeros) is already in canonical form.
  if (!text.includes(':')) return parseIPv4Prefix(text) ? text : undefined;
  const p = parsePrefix(text);
  return p ? formatPrefix(p) : undefined;
}

/** FRR's order for prefixes of one family: by address bytes, then by length. */
export function comparePrefixes(a: ParsedPrefix, b: ParsedPrefix): number {
  if (a.family !== b.family) return a.family === 'ipv4' ? -1 : 1;
  for (let i = 0; i < a.bytes.length; i++) {
    const d = (a.bytes[i] as number) - (b.bytes[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function compareIps(a: ParsedIp, b: ParsedIp): number {
  if (a.family !== b.family) return a.family === 'ipv4' ? -1 : 1;
  for (let i = 0; i < a.bytes.length; i++) {
    const d = (a.bytes[i] as number) - (b.bytes[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}
