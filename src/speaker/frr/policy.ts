// Per-neighbor routing policy: which prefixes a neighbor may receive and with which attributes,
// expressed as prefix-lists and route-map entries. Pure; render.ts prints the result.
//
// Shape, for neighbor id N and family F (ipv4/ipv6):
//   N-pl-F          every prefix advertised to N in F          → route-map N-out permit 65001/65002
//   N-lp-V-F        prefixes with local-preference V           → permit k: set local-preference V
//   N-comm-A:B-F    prefixes with community A:B                → permit k: set community A:B additive
//   N-large-A:B:C-F prefixes with large community A:B:C        → permit k: set large-community ... additive
// Attribute entries come first with `on-match next`, so a prefix collects every attribute and then
// reaches the family's final permit; `deny 65535` makes "nothing else" explicit, and N-in denies
// every inbound route (the speaker learns nothing).
//
// Each list holds the fewest entries that select its prefixes among the router's own `network`s
// (prefix-cover.ts): usually one range, so adding a Service adds a `network` line, not a
// prefix-list entry, which FRR applies 25x slower.
//
// Prefix-list sequence numbers come from a hash of the entry, not its position: a change then
// touches only the entries it concerns, where positional numbers would renumber every entry after
// it. Collisions are resolved by probing in entry order, so the result is still a pure function of
// the set of entries.
import { communityNumeric, communityText, communityValue, canonicalLargeCommunity } from './community.js';
import { canonicalPrefix } from '../../net/prefix.js';
import { FAMILIES, type Family, type NeighborConfig } from './model.js';
import { coverPrefixes } from './prefix-cover.js';

export interface PrefixListEntry {
  family: Family;
  name: string;
  seq: number;
  /** What follows `permit`: a prefix, or a range such as `10.0.0.0/8 le 32`. */
  match: string;
}

export interface RouteMapEntry {
  name: string;
  action: 'permit' | 'deny';
  seq: number;
  match?: { family: Family; prefixList: string };
  onMatchNext?: boolean;
  /** The `set ...` line without the leading "set ". */
  set?: string;
}

export interface NeighborPolicy {
  prefixLists: { family: Family; name: string; entries: PrefixListEntry[] }[];
  routeMaps: RouteMapEntry[];
}

export const IN_DENY_SEQ = 20;
export const FINAL_PERMIT_SEQ: Record<Family, number> = { ipv4: 65001, ipv6: 65002 };
export const FINAL_DENY_SEQ = 65535;
const MAX_SEQ = 4294967295;

export function inRouteMap(id: string): string {
  return `${id}-in`;
}
export function outRouteMap(id: string): string {
  return `${id}-out`;
}

/** 32-bit FNV-1a: small, fast and stable across runs and platforms. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Stable seq numbers for a list's entries (canonical text), sorted by seq as FRR prints them. */
export function prefixListEntries(family: Family, name: string, matches: readonly string[]): PrefixListEntry[] {
  const used = new Set<number>();
  const entries: PrefixListEntry[] = [];
  for (const match of [...matches].sort()) {
    let seq = (fnv1a(match) % MAX_SEQ) + 1;
    while (used.has(seq)) seq = seq === MAX_SEQ ? 1 : seq + 1;
    used.add(seq);
    entries.push({ family, name, seq, match });
  }
  return entries.sort((a, b) => a.seq - b.seq);
}

interface AttrGroup {
  order: number[];
  listSuffix: string;
  set: string;
  prefixes: string[];
}

/**
 * The prefix-lists and route-map entries of neighbor `id`; `networks` are the prefixes its router
 * originates (canonical), the only routes its route-maps ever see.
 */
export function neighborPolicy(id: string, n: NeighborConfig, networks: Readonly<Record<Family, readonly string[]>>): NeighborPolicy {
  const prefixLists: NeighborPolicy['prefixLists'] = [];
  const attrEntries: { order: number[]; family: Family; list: string; set: string }[] = [];
  const finals: RouteMapEntry[] = [];
  const out = outRouteMap(id);

  FAMILIES.forEach((family, familyIndex) => {
    const fam = n.families[family];
    if (!fam || fam.advertisements.length === 0) return;
    const all: string[] = [];
    const groups = new Map<string, AttrGroup>();
    const addTo = (key: string, order: number[], listSuffix: string, set: string, prefix: string): void => {
      let g = groups.get(key);
      if (!g) {
        g = { order, listSuffix, set, prefixes: [] };
        groups.set(key, g);
      }
      g.prefixes.push(prefix);
    };
    for (const a of fam.advertisements) {
      const prefix = canonicalPrefix(a.prefix) ?? a.prefix;
      all.push(prefix);
      if (a.localPref !== undefined) addTo(`lp ${a.localPref}`, [0, a.localPref], `lp-${a.localPref}`, `local-preference ${a.localPref}`, prefix);
      for (const c of new Set(a.communities ?? [])) {
        const v = communityValue(c) ?? 0;
        addTo(`c ${v}`, [1, v], `comm-${communityNumeric(v)}`, `community ${communityText(v)} additive`, prefix);
      }
      for (const c of new Set((a.largeCommunities ?? []).map((x) => canonicalLargeCommunity(x) ?? x))) {
        const parts = c.split(':').map(Number);
        addTo(`l ${c}`, [2, ...parts], `large-${c}`, `large-community ${c} additive`, prefix);
      }
    }
    const universe = networks[family];
    const mainName = `${id}-pl-${family}`;
    prefixLists.push({ family, name: mainName, entries: prefixListEntries(family, mainName, coverPrefixes(all, universe)) });
    for (const g of groups.values()) {
      const name = `${id}-${g.listSuffix}-${family}`;
      prefixLists.push({ family, name, entries: prefixListEntries(family, name, coverPrefixes(g.prefixes, universe)) });
      attrEntries.push({ order: [familyIndex, ...g.order], family, list: name, set: g.set });
    }
    finals.push({ name: out, action: 'permit', seq: FINAL_PERMIT_SEQ[family], match: { family, prefixList: mainName } });
  });

  attrEntries.sort((a, b) => {
    for (let i = 0; i < Math.max(a.order.length, b.order.length); i++) {
      const d = (a.order[i] ?? -1) - (b.order[i] ?? -1);
      if (d !== 0) return d;
    }
    return 0;
  });
  if (attrEntries.length >= FINAL_PERMIT_SEQ.ipv4) {
    throw new RangeError(`neighbor ${id}: ${attrEntries.length} distinct attribute values do not fit in one route-map`);
  }
  const routeMaps: RouteMapEntry[] = [{ name: inRouteMap(id), action: 'deny', seq: IN_DENY_SEQ }];
  attrEntries.forEach((e, i) => {
    routeMaps.push({ name: out, action: 'permit', seq: i + 1, match: { family: e.family, prefixList: e.list }, onMatchNext: true, set: e.set });
  });
  routeMaps.push(...finals, { name: out, action: 'deny', seq: FINAL_DENY_SEQ });
  return { prefixLists, routeMaps };
}
