// Prefixes (CIDRs) on the address model: parse with a reason, canonical text, masks, aggregation
// and containment. A parsed prefix keeps the address as written (host bits and all), so callers can
// say "has host bits set, did you mean ..." rather than just "invalid". Pure.
import { BITS, formatIP, tryParseIP } from './address.js';
import type { Family, IP, IPRefusal } from './address.js';

/** An address and a prefix length; `value` may have host bits set (see isNetwork). */
export interface Prefix {
  family: Family;
  value: bigint;
  length: number;
}

/** A refused prefix: its address refused (see IPRefusal), or its length ('length'). */
export type PrefixResult = { ok: true; prefix: Prefix } | { ok: false; kind: IPRefusal | 'length'; error: string };

/** The prefix length text: 0 to 128 in decimal, no sign, no leading zeros (as Go's netip). */
function parseLength(text: string, from: number): number {
  const digits = text.length - from;
  if (digits < 1 || digits > 3 || (digits > 1 && text.charCodeAt(from) === 48)) return -1;
  let n = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + c - 48;
  }
  return n;
}

/** Parses "address/length" (the address by tryParseIP's rules), or says why it is not a prefix. */
export function tryParsePrefix(text: string): PrefixResult {
  const slash = text.indexOf('/');
  if (slash < 0) return { ok: false, kind: 'length', error: `"${text}" has no prefix length` };
  const addr = tryParseIP(text.slice(0, slash));
  if (!addr.ok) return { ok: false, kind: addr.kind, error: `"${text}": ${addr.error}` };
  const { family, value } = addr.ip;
  const length = parseLength(text, slash + 1);
  if (length < 0 || length > BITS[family]) return { ok: false, kind: 'length', error: `"${text}": the prefix length must be a number from 0 to ${BITS[family]} for IPv${family}` };
  return { ok: true, prefix: { family, value, length } };
}

/** tryParsePrefix() without the reason. */
export function parsePrefix(text: string): Prefix | undefined {
  const r = tryParsePrefix(text);
  return r.ok ? r.prefix : undefined;
}

/** The bits after the prefix length, set. */
export function hostMask(family: Family, length: number): bigint {
  return (1n << BigInt(BITS[family] - length)) - 1n;
}

/** True when no bit after the prefix length is set (FRR and the apiserver refuse it otherwise). */
export function isNetwork(p: Prefix): boolean {
  return (p.value & hostMask(p.family, p.length)) === 0n;
}

/** The prefix with its host bits cleared: 192.168.5.7/24 → 192.168.5.0/24. */
export function masked(p: Prefix): Prefix {
  return { family: p.family, value: p.value & ~hostMask(p.family, p.length), length: p.length };
}

/** The prefix an address is announced as with an aggregation length: 192.168.5.7, 24 → 192.168.5.0/24. */
export function aggregate(ip: IP, length: number): Prefix {
  return masked({ family: ip.family, value: ip.value, length });
}

export function prefixContains(p: Prefix, ip: IP): boolean {
  return p.family === ip.family && (ip.value & ~hostMask(p.family, p.length)) === (p.value & ~hostMask(p.family, p.length));
}

export function formatPrefix(p: Prefix): string {
  return `${formatIP(p.value, p.family)}/${p.length}`;
}

/** Canonical text of a prefix (host bits as written), or undefined when it is not one. */
export function canonicalPrefix(text: string): string | undefined {
  const p = parsePrefix(text);
  if (!p) return undefined;
  // An IPv4 prefix the parser accepts (no leading zeros anywhere) is already canonical.
  return p.family === 4 ? text : formatPrefix(p);
}

/** FRR's order of prefixes: IPv4 first, then by address, then by length. */
export function comparePrefixes(a: Prefix, b: Prefix): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : a.length - b.length;
}
