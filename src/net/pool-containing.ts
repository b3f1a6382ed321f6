// Which pool an address belongs to: one rule for the controller (which hands addresses out) and
// the speaker (which announces them), so the two never disagree on a pool's advertisements,
// aggregation length or protocol when pools overlap. Pure.
import type { IP } from './address.js';
import { rangesContain, type IPRange } from './range.js';

/** Code-point order (locale-independent, so the answer never depends on the host). */
const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Every pool holding the address: the hinted one first (the pool the controller recorded, or the
 * Service asked for), then the others by name. `rangesOf` gives a pool's parsed ranges.
 */
export function poolsContaining<P extends { name: string }>(pools: readonly P[], ip: IP, rangesOf: (pool: P) => readonly IPRange[], hint?: string): P[] {
  const holding = pools.filter((p) => rangesContain(rangesOf(p), ip)).sort(byName);
  const hinted = hint === undefined ? -1 : holding.findIndex((p) => p.name === hint);
  if (hinted > 0) holding.unshift(...holding.splice(hinted, 1));
  return holding;
}

/** The pool of an address: the hinted one if it still holds it, else the first by name that does. */
export function poolContaining<P extends { name: string }>(
  pools: readonly P[],
  ip: IP,
  rangesOf: (pool: P) => readonly IPRange[],
  hint?: string,
): P | undefined {
  return poolsContaining(pools, ip, rangesOf, hint)[0];
}
