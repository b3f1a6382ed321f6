// One pool's allocation state: a FreeList per family and the counts its status reports. Counts are
// kept incrementally (never by walking addresses), so a /64 pool reports exact numbers cheaply.
import { FreeList } from './free-list.js';
import { isBuggy } from '../../net/address.js';
import type { Family, IP } from '../../net/address.js';
import { poolsContaining } from '../../net/pool-containing.js';
import { buggyCount, mergeRanges, rangesContain, rangeSize } from '../../net/range.js';
import type { IPRange } from '../../net/range.js';
import type { PoolSpec, PoolUsage } from './types.js';

const FAMILIES: readonly Family[] = [4, 6];

export class PoolState {
  /** The pool's addresses, merged (overlapping or touching entries joined). */
  readonly ranges: readonly IPRange[];
  /** Other pools with addresses in common: an address handed out by one is taken from all. */
  overlaps: PoolState[] = [];
  private readonly free: Record<Family, FreeList>;
  private readonly skip: Record<Family, ((v: bigint) => boolean) | undefined>;
  /** Addresses the pool may hand out (buggy ones excluded when avoided). */
  private readonly total: Record<Family, bigint> = { 4: 0n, 6: 0n };
  /** Of those, how many are in use (by this pool's Services or an overlapping pool's). */
  private readonly used: Record<Family, bigint> = { 4: 0n, 6: 0n };
  /** IPs handed out from this pool. */
  private readonly assigned: Record<Family, number> = { 4: 0, 6: 0 };

  constructor(readonly spec: PoolSpec) {
    this.ranges = mergeRanges(spec.ranges);
    const of = (f: Family): IPRange[] => this.ranges.filter((r) => r.family === f);
    this.free = { 4: new FreeList(of(4)), 6: new FreeList(of(6)) };
    this.skip = { 4: spec.avoidBuggyIPs ? (v): boolean => isBuggy(v, 4) : undefined, 6: undefined };
    for (const f of FAMILIES) {
      for (const r of of(f)) this.total[f] += rangeSize(r) - (spec.avoidBuggyIPs ? buggyCount(r) : 0n);
    }
  }

  get name(): string {
    return this.spec.name;
  }

  hasFamily(f: Family): boolean {
    return this.ranges.some((r) => r.family === f);
  }

  contains(f: Family, v: bigint): boolean {
    return rangesContain(this.ranges, { family: f, value: v });
  }

  /** True for addresses the pool holds but never hands out (avoidBuggyIPs). */
  avoids(f: Family, v: bigint): boolean {
    return this.spec.avoidBuggyIPs && isBuggy(v, f);
  }

  /** The lowest address of family f this pool could hand out now, without taking it. */
  lowestFree(f: Family): bigint | undefined {
    return this.free[f].lowest(this.skip[f]);
  }

  /** Marks v (which the pool contains) as in use; `home` when the pool is the one handing it out. */
  take(f: Family, v: bigint, home: boolean): void {
    if (home) this.assigned[f]++;
    if (!this.avoids(f, v) && this.free[f].take(v)) this.used[f]++;
  }

  /** Undoes take(). */
  give(f: Family, v: bigint, home: boolean): void {
    if (home) this.assigned[f]--;
    if (!this.avoids(f, v) && this.free[f].give(v)) this.used[f]--;
  }

  usage(): PoolUsage {
    return {
      assignedIPv4: this.assigned[4],
      assignedIPv6: this.assigned[6],
      availableIPv4: this.total[4] - this.used[4],
      availableIPv6: this.total[6] - this.used[6],
    };
  }

  /** Free intervals per family (for tests: the structure stays small whatever the pool size). */
  intervals(f: Family): number {
    return this.free[f].intervals;
  }
}

/** Start of the reason given for an address a pool avoids ("<ip> ends in ... pool "p" avoids"). */
export const AVOIDED = 'ends in .0 or .255, which pool';

/**
 * The pools that may hand out all these addresses — containing them and avoiding none — the
 * hinted one first, the rest by name (poolsContaining, the speaker's rule too); or why there are
 * none. `what` names the addresses in the reason ("requested IP", "IP").
 */
export function poolsHolding(pools: readonly PoolState[], addrs: readonly (IP & { ip: string })[], what: string, hint?: string): PoolState[] | string {
  const [first] = addrs;
  if (!first) return [...pools]; // nothing to hold: every pool fits (callers always pass some)
  for (const a of addrs) {
    const holding = poolsContaining(pools, a, rangesOf);
    if (holding.length === 0) return `${what} ${a.ip} is not in any pool`;
    if (holding.every((p) => p.avoids(a.family, a.value))) return `${what} ${a.ip} ${AVOIDED} "${holding[0]!.name}" avoids (avoidBuggyIPs)`;
  }
  const fits = poolsContaining(pools, first, rangesOf, hint).filter((p) => addrs.every((a) => p.contains(a.family, a.value) && !p.avoids(a.family, a.value)));
  if (fits.length === 0) return `${what}s ${addrs.map((a) => a.ip).join(', ')} are not in one pool (a Service's IPs must come from one pool)`;
  return fits;
}

const rangesOf = (p: PoolState): readonly IPRange[] => p.ranges;
