// Free addresses of one pool and family as sorted, disjoint intervals. Allocating the lowest free
// address, taking a given one and giving one back cost O(log n) in the number of intervals (plus
// an array move on a split), never anything proportional to the pool size: a /64 costs what a /28
// costs. Sequential allocation from the bottom only shrinks the first interval: O(1).
export class FreeList {
  private starts: bigint[] = [];
  private ends: bigint[] = [];
  private free = 0n;

  constructor(ranges: readonly { first: bigint; last: bigint }[]) {
    const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    for (const r of sorted) {
      const n = this.starts.length;
      if (n > 0 && r.first <= this.ends[n - 1]! + 1n) {
        if (r.last > this.ends[n - 1]!) {
          this.free += r.last - this.ends[n - 1]!;
          this.ends[n - 1] = r.last;
        }
        continue;
      }
      this.starts.push(r.first);
      this.ends.push(r.last);
      this.free += r.last - r.first + 1n;
    }
  }

  /** Free addresses left (skipped ones included). */
  get size(): bigint {
    return this.free;
  }

  /** Index of the interval whose start is the greatest ≤ v, or -1. */
  private find(v: bigint): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= v) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  isFree(v: bigint): boolean {
    const i = this.find(v);
    return i >= 0 && v <= this.ends[i]!;
  }

  /**
   * The lowest free address for which `skip` is false, without taking it. Skipped addresses can
   * never be handed out, so they are dropped from the free set as they are met: amortized O(1).
   */
  lowest(skip?: (v: bigint) => boolean): bigint | undefined {
    while (this.starts.length > 0) {
      const v = this.starts[0]!;
      if (!skip || !skip(v)) return v;
      this.take(v);
    }
    return undefined;
  }

  /** Removes v from the free set; false if it was not free. */
  take(v: bigint): boolean {
    const i = this.find(v);
    if (i < 0 || v > this.ends[i]!) return false;
    const s = this.starts[i]!;
    const e = this.ends[i]!;
    this.free -= 1n;
    if (s === e) {
      this.starts.splice(i, 1);
      this.ends.splice(i, 1);
    } else if (v === s) this.starts[i] = s + 1n;
    else if (v === e) this.ends[i] = e - 1n;
    else {
      this.ends[i] = v - 1n;
      this.starts.splice(i + 1, 0, v + 1n);
      this.ends.splice(i + 1, 0, e);
    }
    return true;
  }

  /** Returns v to the free set (the caller knows it belongs to the pool and was taken). */
  give(v: bigint): void {
    if (this.isFree(v)) return;
    this.free += 1n;
    const i = this.find(v);
    const joinsLeft = i >= 0 && this.ends[i]! + 1n === v;
    const joinsRight = i + 1 < this.starts.length && this.starts[i + 1]! - 1n === v;
    if (joinsLeft && joinsRight) {
      this.ends[i] = this.ends[i + 1]!;
      this.starts.splice(i + 1, 1);
      this.ends.splice(i + 1, 1);
    } else if (joinsLeft) this.ends[i] = v;
    else if (joinsRight) this.starts[i + 1] = v;
    else {
      this.starts.splice(i + 1, 0, v);
      this.ends.splice(i + 1, 0, v);
    }
  }

  get intervals(): number {
    return this.starts.length;
  }
}
