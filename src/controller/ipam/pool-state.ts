// One pool's allocation state: a FreeList per family and the counts its status reports.
import { FreeList } from './free-list.js';
import { buggyCount, isBuggy, rangeContains } from '../../net/range.js';
import type { Family } from '../../net/range.js';
import type { PoolSpec, PoolUsage } from './types.js';

export class PoolState {
  private readonly free: Record<Family, FreeList>;
  private readonly total: Record<Family, bigint>;
  readonly assigned: Record<Family, number> = { 4: 0, 6: 0 };

  constructor(readonly spec: PoolSpec) {
    const of = (f: Family): { first: bigint; last: bigint }[] => spec.ranges.filter((r) => r.family === f);
    this.free = { 4: new FreeList(of(4)), 6: new FreeList(of(6)) };
    const usable = (f: Family): bigint => {
      let n = this.free[f].size;
      if (f === 4 && spec.avoidBuggyIPs) for (const r of of(4)) n -= buggyCount(r.first, r.last);
      return n;
    };
    this.total = { 4: usable(4), 6: usable(6) };
  }

  get name(): string {
    return this.spec.name;
  }

  hasFamily(f: Family): boolean {
    return this.spec.ranges.some((r) => r.family === f);
  }

  contains(f: Family, v: bigint): boolean {
    return this.spec.ranges.some((r) => rangeContains(r, f, v));
  }

  /** undefined when v can be handed out by this pool; otherwise why not. */
  unusable(f: Family, v: bigint): string | undefined {
    if (!this.contains(f, v)) return 'not in the pool';
    if (this.spec.avoidBuggyIPs && isBuggy(v, f)) return 'a .0 or .255 address, which the pool avoids (avoidBuggyIPs)';
    return undefined;
  }

  isFree(f: Family, v: bigint): boolean {
    return this.free[f].isFree(v);
  }

  lowestFree(f: Family): bigint | undefined {
    return this.free[f].lowest(this.spec.avoidBuggyIPs ? (v): boolean => isBuggy(v, f) : undefined);
  }

  take(f: Family, v: bigint): void {
    if (this.free[f].take(v)) this.assigned[f]++;
  }

  give(f: Family, v: bigint): void {
    if (!this.contains(f, v) || this.free[f].isFree(v)) return;
    this.free[f].give(v);
    this.assigned[f]--;
  }

  usage(): PoolUsage {
    return {
      assignedIPv4: this.assigned[4],
      assignedIPv6: this.assigned[6],
      availableIPv4: this.total[4] - BigInt(this.assigned[4]),
      availableIPv6: this.total[6] - BigInt(this.assigned[6]),
    };
  }
}
