// BGP communities as FRR 8.4 reads and prints them. `show running-config` prints a `set community`
// list deduplicated, sorted by 32-bit value, with well-known values by name (65535:65282 reads back
// as no-advertise); large communities are printed exactly as written. The renderer prints the
// canonical form so the read-back matches, and the parser normalises both sides the same way.

/** Well-known communities FRR 8.4 names (input and output), by 32-bit value. */
const WELL_KNOWN: ReadonlyArray<readonly [number, string]> = [
  [0x00000000, 'internet'],
  [0xffff0000, 'graceful-shutdown'],
  [0xffff0001, 'accept-own'],
  [0xffff0002, 'route-filter-translated-v4'],
  [0xffff0003, 'route-filter-v4'],
  [0xffff0004, 'route-filter-translated-v6'],
  [0xffff0005, 'route-filter-v6'],
  [0xffff0006, 'llgr-stale'],
  [0xffff0007, 'no-llgr'],
  [0xffff0008, 'accept-own-nexthop'],
  [0xffff029a, 'blackhole'],
  [0xffffff01, 'no-export'],
  [0xffffff02, 'no-advertise'],
  [0xffffff03, 'local-AS'],
  [0xffffff04, 'no-peer'],
];

const NAME_BY_VALUE = new Map<number, string>(WELL_KNOWN.map(([v, n]) => [v, n]));
const VALUE_BY_NAME = new Map<string, number>(WELL_KNOWN.map(([v, n]) => [n, v]));

export const WELL_KNOWN_COMMUNITY_NAMES: readonly string[] = WELL_KNOWN.map(([, n]) => n);

const STANDARD_RE = /^(\d{1,5}):(\d{1,5})$/;
const LARGE_RE = /^(\d{1,10}):(\d{1,10}):(\d{1,10})$/;

/** The 32-bit value of a standard community ("A:B" or a well-known name), or undefined. */
export function communityValue(text: string): number | undefined {
  const named = VALUE_BY_NAME.get(text);
  if (named !== undefined) return named;
  const m = STANDARD_RE.exec(text);
  if (!m) return undefined;
  const hi = Number(m[1]);
  const lo = Number(m[2]);
  if (hi > 0xffff || lo > 0xffff) return undefined;
  return hi * 0x10000 + lo;
}

/** FRR's printed form of one standard community value. */
export function communityText(value: number): string {
  return NAME_BY_VALUE.get(value) ?? `${Math.floor(value / 0x10000)}:${value % 0x10000}`;
}

/** "A:B" numeric form, used where a name must stay stable whatever FRR prints (prefix-list names). */
export function communityNumeric(value: number): string {
  return `${Math.floor(value / 0x10000)}:${value % 0x10000}`;
}

export function isLargeCommunity(text: string): boolean {
  const m = LARGE_RE.exec(text);
  return m !== null && [m[1], m[2], m[3]].every((p) => Number(p) <= 0xffffffff);
}

/** Large community with leading zeros removed ("01:2:3" → "1:2:3"). */
export function canonicalLargeCommunity(text: string): string | undefined {
  if (!isLargeCommunity(text)) return undefined;
  return text
    .split(':')
    .map((p) => String(Number(p)))
    .join(':');
}

/**
 * Canonical `set community` arguments: values deduplicated and sorted, printed as FRR prints them;
 * a trailing `additive` is kept last. Returns undefined if a token is not a community.
 */
export function canonicalCommunityList(tokens: readonly string[]): string[] | undefined {
  const values = new Set<number>();
  let additive = false;
  for (const t of tokens) {
    if (t === 'additive') {
      additive = true;
      continue;
    }
    const v = communityValue(t);
    if (v === undefined) return undefined;
    values.add(v);
  }
  const out = [...values].sort((a, b) => a - b).map(communityText);
  if (additive) out.push('additive');
  return out;
}
