// Address ranges on bigint, IPv4 and IPv6: pool entries (a CIDR or "a-b") parsed with a reason a
// user can act on, formatted back, containment, merging, overlap detection, and the number of
// "buggy" (.0/.255) addresses in a range, computed arithmetically (a /8 is not enumerated).
// Shared by API validation, the allocator and the announce planner.
import { BITS, formatIP, tryParseIP } from './address.js';
import type { Family, IP } from './address.js';
import { hostMask, tryParsePrefix } from './prefix.js';

/** Inclusive range [first, last] of one family. */
export interface IPRange {
  family: Family;
  first: bigint;
  last: bigint;
}

export type RangeResult = { ok: true; range: IPRange } | { ok: false; error: string };

const fail = (error: string): RangeResult => ({ ok: false, error });

/**
 * Parses a pool entry: a CIDR with no host bits set ("192.168.5.0/24", "2001:db8::/64") or a range
 * of two addresses of one family, lower first ("10.19.140.10-10.19.140.29"; spaces around "-" are
 * allowed, as MetalLB allows them). Surrounding whitespace is ignored.
 */
export function tryParseRange(entry: string): RangeResult {
  const text = entry.trim();
  if (text.includes('/')) {
    const r = tryParsePrefix(text);
    if (!r.ok) return fail(r.error);
    const { family, value, length } = r.prefix;
    const host = hostMask(family, length);
    if ((value & host) !== 0n) {
      return fail(`"${text}" has host bits set: the network is ${formatIP(value & ~host, family)}/${length} (for the single address, write ${text.slice(0, text.indexOf('/'))}/${BITS[family]})`);
    }
    return { ok: true, range: { family, first: value, last: value | host } };
  }
  if (text.includes('-')) {
    const parts = text.split('-').map((p) => p.trim());
    if (parts.length !== 2) return fail(`"${text}" is not a range: write two addresses joined by one "-"`);
    const [x = '', y = ''] = parts;
    const ra = tryParseIP(x);
    const rb = tryParseIP(y);
    if (!ra.ok) return fail(`"${text}": ${ra.error}`);
    if (!rb.ok) return fail(`"${text}": ${rb.error}`);
    const a = ra.ip;
    const b = rb.ip;
    if (a.family !== b.family) return fail(`"${text}" mixes IPv${a.family} and IPv${b.family}: both ends of a range must be of one family`);
    if (a.value > b.value) return fail(`"${text}" is reversed: a range must go from the lower to the higher address (${y}-${x})`);
    return { ok: true, range: { family: a.family, first: a.value, last: b.value } };
  }
  const single = tryParseIP(text);
  if (single.ok) return fail(`"${text}" has no prefix length: write ${text}/${BITS[single.ip.family]} for the single address`);
  if (single.kind !== 'syntax') return fail(single.error);
  return fail(`"${text}" is neither a CIDR (192.168.10.0/24) nor a range (192.168.10.1-192.168.10.9)`);
}

/** tryParseRange() without the reason: undefined when the entry is not valid. */
export function parseRange(entry: string): IPRange | undefined {
  const r = tryParseRange(entry);
  return r.ok ? r.range : undefined;
}

/** A range as a CIDR when it is exactly one prefix, else as "first-last". */
export function formatRange(r: IPRange): string {
  const size = r.last - r.first + 1n;
  const bits = BITS[r.family];
  const hostBits = size.toString(2).length - 1;
  if (size === 1n << BigInt(hostBits) && (r.first & (size - 1n)) === 0n) return `${formatIP(r.first, r.family)}/${bits - hostBits}`;
  return `${formatIP(r.first, r.family)}-${formatIP(r.last, r.family)}`;
}

/** Number of addresses in the range (a bigint: an IPv6 /64 holds 2^64). */
export function rangeSize(r: IPRange): bigint {
  return r.last - r.first + 1n;
}

export function rangeContains(r: IPRange, ip: IP): boolean {
  return r.family === ip.family && ip.value >= r.first && ip.value <= r.last;
}

/** Whether any of the ranges holds the address. */
export function rangesContain(ranges: readonly IPRange[], ip: IP): boolean {
  return ranges.some((r) => rangeContains(r, ip));
}

export function rangesOverlap(a: IPRange, b: IPRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** The union of some ranges as sorted, disjoint, non-adjacent ranges (IPv4 first). */
export function mergeRanges(ranges: readonly IPRange[]): IPRange[] {
  const sorted = [...ranges].sort(compareRanges);
  const out: IPRange[] = [];
  for (const r of sorted) {
    const prev = out[out.length - 1];
    if (prev && prev.family === r.family && r.first <= prev.last + 1n) {
      if (r.last > prev.last) prev.last = r.last;
    } else out.push({ family: r.family, first: r.first, last: r.last });
  }
  return out;
}

/**
 * Every pair of items whose ranges overlap, each pair in input order ([earlier, later]); sorted
 * sweep, so O(n log n) plus the number of pairs found.
 */
export function findOverlaps<T extends { range: IPRange }>(items: readonly T[]): [T, T][] {
  const order = items.map((item, index) => ({ item, index })).sort((a, b) => compareRanges(a.item.range, b.item.range) || a.index - b.index);
  const out: { pair: [T, T]; key: [number, number] }[] = [];
  let open: typeof order = [];
  for (const cur of order) {
    open = open.filter((o) => o.item.range.family === cur.item.range.family && o.item.range.last >= cur.item.range.first);
    for (const o of open) {
      const [x, y] = o.index < cur.index ? [o, cur] : [cur, o];
      out.push({ pair: [x.item, y.item], key: [x.index, y.index] });
    }
    open.push(cur);
  }
  return out.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1]).map((o) => o.pair);
}

/** How many avoidBuggyIPs addresses (last octet 0 or 255) lie in an IPv4 range, arithmetically. */
export function buggyCount(r: IPRange): bigint {
  if (r.family !== 4) return 0n;
  // Addresses in [0, x] with last octet 0, plus those with last octet 255.
  const upTo = (x: bigint): bigint => (x < 0n ? 0n : x / 256n + 1n + (x >= 255n ? (x - 255n) / 256n + 1n : 0n));
  return upTo(r.last) - upTo(r.first - 1n);
}

function compareRanges(a: IPRange, b: IPRange): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.first < b.first ? -1 : a.first > b.first ? 1 : a.last < b.last ? -1 : a.last > b.last ? 1 : 0;
}

/**
 * The shortest prefix length among the CIDR blocks that tile a range exactly (10.0.0.0-10.0.0.5 is
 * /30 + /31, so 30). An aggregation length shorter than this would announce addresses outside the
 * range, which is why MetalLB refuses it.
 */
export function widestPrefixLength(r: IPRange): number {
  const bits = BITS[r.family];
  let widest = bits;
  let at = r.first;
  while (at <= r.last) {
    // The largest block aligned at `at` that does not run past the end.
    let size = 0;
    while (size < bits && (at & ((1n << BigInt(size + 1)) - 1n)) === 0n && at + (1n << BigInt(size + 1)) - 1n <= r.last) size++;
    widest = Math.min(widest, bits - size);
    at += 1n << BigInt(size);
  }
  return widest;
}
