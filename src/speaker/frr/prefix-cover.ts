// The fewest prefix-list entries that select exactly a set S of the prefixes a router originates
// (its `network` lines, the universe U), as `permit C le MAX` ranges and exact `permit P` entries.
// Pure.
//
// Why: FRR 8.4 takes ≈ 15 ms to apply one `ip prefix-list` line on this kind of machine (vtysh
// hands it to zebra, bgpd and bfdd in turn), against ≈ 0.6 ms for a `network` line, so a list with
// one entry per Service IP makes 1,000 new Services a 60-90 s apply. A route-map only ever sees the
// router's own routes (every peer's inbound route-map denies everything), so an entry only has to
// be right on U: when every prefix of U inside C is in S, `permit C le 32` selects exactly those.
// A peer that receives every Service IP then has one entry, `permit 0.0.0.0/0 le 32`, and adding a
// Service adds a `network` line and nothing else; a peer that receives some gets one range per
// run of its prefixes between prefixes it must not receive.
import { BITS, type Family as IpFamily } from '../../net/address.js';
import { formatPrefix, parsePrefix } from '../../net/prefix.js';

interface Item {
  value: bigint;
  length: number;
  text: string;
}

/** A router's prefixes of one family, sorted by (address, length), as the walk reads them. */
interface Universe {
  family: IpFamily;
  items: Item[];
  /** Position of each prefix (canonical text) in `items`. */
  index: Map<string, number>;
}

// Every neighbor of a router shares its networks array: parse and sort it once per render.
const universes = new WeakMap<readonly string[], Universe>();

function universeOf(prefixes: readonly string[], family: IpFamily): Universe {
  const cached = universes.get(prefixes);
  if (cached && cached.family === family) return cached;
  const items: Item[] = [];
  for (const text of new Set(prefixes)) {
    const q = parsePrefix(text);
    if (q && q.family === family) items.push({ value: q.value, length: q.length, text });
  }
  items.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : a.length - b.length));
  const u: Universe = { family, items, index: new Map(items.map((q, i) => [q.text, i])) };
  universes.set(prefixes, u);
  return u;
}

/**
 * Entries (what follows `permit`) selecting exactly `set` among `universe` (canonical prefixes of
 * one family; every member of `set` must be in `universe`, as the validator ensures). Sorted.
 */
export function coverPrefixes(set: readonly string[], universe: readonly string[]): string[] {
  const first = set[0];
  if (first === undefined) return [];
  const family = parsePrefix(first)?.family ?? 4;
  const bits = BITS[family];
  let u = universeOf(universe, family);
  if (set.some((p) => !u.index.has(p))) u = universeOf([...universe, ...set], family);
  const { items } = u;
  // members(lo, hi) in O(1): prefix sums of set membership over the sorted items.
  const sums = new Int32Array(items.length + 1);
  const inSet = new Uint8Array(items.length);
  for (const p of set) inSet[u.index.get(p) as number] = 1;
  for (let i = 0; i < items.length; i++) sums[i + 1] = (sums[i] as number) + (inSet[i] as number);
  const out: string[] = [];
  const text = (value: bigint, length: number): string => formatPrefix({ family, value, length });
  // items[lo, hi) are exactly the prefixes inside base/length (contiguous, as sorted).
  const walk = (lo: number, hi: number, base: bigint, length: number): void => {
    const members = (sums[hi] as number) - (sums[lo] as number);
    if (members === 0) return;
    if (members === hi - lo) {
      out.push(length === bits ? text(base, length) : `${text(base, length)} le ${bits}`);
      return;
    }
    // Mixed: a prefix equal to this node (it sorts first) is matched exactly; longer ones go down.
    while (lo < hi && (items[lo] as Item).length === length) {
      if (inSet[lo]) out.push(text(base, length));
      lo++;
    }
    const bit = 1n << BigInt(bits - length - 1);
    const right = base | bit;
    let mid = lo;
    while (mid < hi && (items[mid] as Item).value < right) mid++;
    walk(lo, mid, base, length + 1);
    walk(mid, hi, right, length + 1);
  };
  walk(0, items.length, 0n, 0);
  return out.sort();
}
