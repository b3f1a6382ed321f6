// Address ranges on bigint, IPv4 and IPv6: parsing pool entries (CIDR or "a-b"), formatting, and
// the "buggy IP" rule. Shared by the allocator and the announce planner.
import { isIP } from 'node:net';
import { celIsIP, ipToBigInt } from '../api/netcheck.js';

export type Family = 4 | 6;

export interface IPRange {
  family: Family;
  first: bigint;
  last: bigint;
}

export function familyOf(ip: string): Family {
  return isIP(ip) === 6 ? 6 : 4;
}

export function parseIP(text: string): { family: Family; value: bigint } | undefined {
  const t = text.trim();
  if (!celIsIP(t)) return undefined;
  return { family: familyOf(t), value: ipToBigInt(t) };
}

export function formatIP(value: bigint, family: Family): string {
  if (family === 4) {
    const n = Number(value);
    return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  // RFC 5952 text: groups without leading zeros, the longest run of two or more zero groups as "::".
  const hex = value.toString(16).padStart(32, '0');
  const groups: string[] = [];
  for (let i = 0; i < 32; i += 4) groups.push(hex.slice(i, i + 4).replace(/^0{1,3}/, ''));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** A pool entry: "192.168.10.0/24" (host bits must be zero) or "10.0.0.1-10.0.0.9"; undefined if invalid. */
export function parseRange(entry: string): IPRange | undefined {
  const slash = entry.indexOf('/');
  if (slash > 0) {
    const ip = parseIP(entry.slice(0, slash));
    const len = Number(entry.slice(slash + 1));
    if (!ip || !Number.isInteger(len)) return undefined;
    const bits = ip.family === 4 ? 32 : 128;
    if (len < 0 || len > bits) return undefined;
    const host = (1n << BigInt(bits - len)) - 1n;
    if ((ip.value & host) !== 0n) return undefined;
    return { family: ip.family, first: ip.value, last: ip.value | host };
  }
  const parts = entry.split('-');
  if (parts.length !== 2) return undefined;
  const a = parseIP(parts[0]!);
  const b = parseIP(parts[1]!);
  if (!a || !b || a.family !== b.family || a.value > b.value) return undefined;
  return { family: a.family, first: a.value, last: b.value };
}

export function rangeContains(r: IPRange, family: Family, value: bigint): boolean {
  return r.family === family && value >= r.first && value <= r.last;
}

export function rangesOverlap(a: IPRange, b: IPRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** avoidBuggyIPs: IPv4 addresses ending in .0 or .255 (some old equipment drops them). */
export function isBuggy(value: bigint, family: Family): boolean {
  if (family !== 4) return false;
  const last = value & 255n;
  return last === 0n || last === 255n;
}

/** How many .0/.255 addresses lie in [first, last] (IPv4), arithmetically. */
export function buggyCount(first: bigint, last: bigint): bigint {
  const upTo = (x: bigint): bigint => (x < 0n ? 0n : x / 256n + 1n + (x >= 255n ? (x - 255n) / 256n + 1n : 0n));
  return upTo(last) - upTo(first - 1n);
}
