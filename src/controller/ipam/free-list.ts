// The free addresses of one pool and family as disjoint, non-adjacent intervals in an AVL tree
// keyed by interval start. Every operation costs O(log n) in the number of intervals — which is at
// most the number of addresses handed out plus the pool's ranges — and nothing proportional to
// the pool's size: a /64 is one interval, like a /28. Sequential allocation from the bottom only
// moves the first interval's start in place.

interface Node {
  start: bigint;
  end: bigint;
  left: Node | undefined;
  right: Node | undefined;
  height: number;
}

const heightOf = (n: Node | undefined): number => (n ? n.height : 0);

function update(n: Node): Node {
  n.height = 1 + Math.max(heightOf(n.left), heightOf(n.right));
  return n;
}

function rotateRight(n: Node): Node {
  const l = n.left!;
  n.left = l.right;
  l.right = update(n);
  return update(l);
}

function rotateLeft(n: Node): Node {
  const r = n.right!;
  n.right = r.left;
  r.left = update(n);
  return update(r);
}

function rebalance(n: Node): Node {
  update(n);
  const tilt = heightOf(n.left) - heightOf(n.right);
  if (tilt > 1) {
    if (heightOf(n.left!.left) < heightOf(n.left!.right)) n.left = rotateLeft(n.left!);
    return rotateRight(n);
  }
  if (tilt < -1) {
    if (heightOf(n.right!.right) < heightOf(n.right!.left)) n.right = rotateRight(n.right!);
    return rotateLeft(n);
  }
  return n;
}

function insert(n: Node | undefined, start: bigint, end: bigint): Node {
  if (!n) return { start, end, left: undefined, right: undefined, height: 1 };
  if (start < n.start) n.left = insert(n.left, start, end);
  else n.right = insert(n.right, start, end);
  return rebalance(n);
}

function remove(n: Node | undefined, start: bigint): Node | undefined {
  if (!n) return undefined;
  if (start < n.start) n.left = remove(n.left, start);
  else if (start > n.start) n.right = remove(n.right, start);
  else {
    if (!n.left) return n.right;
    if (!n.right) return n.left;
    let next = n.right;
    while (next.left) next = next.left;
    n.start = next.start;
    n.end = next.end;
    n.right = remove(n.right, next.start);
  }
  return rebalance(n);
}

export class FreeList {
  private root: Node | undefined;
  private count = 0;
  private free = 0n;

  /** Ranges may overlap or touch; they are merged. */
  constructor(ranges: readonly { first: bigint; last: bigint }[] = []) {
    const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    let cur: { first: bigint; last: bigint } | undefined;
    for (const r of sorted) {
      if (cur && r.first <= cur.last + 1n) {
        if (r.last > cur.last) cur.last = r.last;
        continue;
      }
      if (cur) this.add(cur.first, cur.last);
      cur = { first: r.first, last: r.last };
    }
    if (cur) this.add(cur.first, cur.last);
  }

  /** Free addresses left. */
  get size(): bigint {
    return this.free;
  }

  /** Number of intervals (the structure's size: memory and time depend on this only). */
  get intervals(): number {
    return this.count;
  }

  isFree(v: bigint): boolean {
    const n = this.floor(v);
    return n !== undefined && v <= n.end;
  }

  /**
   * The lowest free address for which `skip` is false, without taking it. Skipped addresses can
   * never be handed out, so they are dropped from the free set as they are met: amortized O(log n).
   */
  lowest(skip?: (v: bigint) => boolean): bigint | undefined {
    for (;;) {
      let n = this.root;
      if (!n) return undefined;
      while (n.left) n = n.left;
      if (!skip || !skip(n.start)) return n.start;
      this.take(n.start);
    }
  }

  /** Removes v from the free set; false if it was not free. */
  take(v: bigint): boolean {
    const n = this.floor(v);
    if (!n || v > n.end) return false;
    this.free -= 1n;
    // Changing a start in place keeps the tree ordered: intervals are disjoint.
    if (n.start === n.end) this.drop(n.start);
    else if (v === n.start) n.start = v + 1n;
    else if (v === n.end) n.end = v - 1n;
    else {
      const end = n.end;
      n.end = v - 1n;
      this.add(v + 1n, end, false);
    }
    return true;
  }

  /** Returns v to the free set (the caller knows it belongs there); false if it was already free. */
  give(v: bigint): boolean {
    const left = this.floor(v);
    if (left && v <= left.end) return false;
    this.free += 1n;
    const right = this.ceil(v);
    const joinsLeft = left !== undefined && left.end + 1n === v;
    const joinsRight = right !== undefined && right.start - 1n === v;
    if (joinsLeft && joinsRight) {
      // drop() only ever moves the data of right's successor between nodes, never left's.
      left.end = right.end;
      this.drop(right.start);
    } else if (joinsLeft) left.end = v;
    else if (joinsRight) right.start = v;
    else this.add(v, v, false);
    return true;
  }

  /** The free intervals, lowest first (for tests and debugging: O(n)). */
  toArray(): { first: bigint; last: bigint }[] {
    const out: { first: bigint; last: bigint }[] = [];
    const walk = (n: Node | undefined): void => {
      if (!n) return;
      walk(n.left);
      out.push({ first: n.start, last: n.end });
      walk(n.right);
    };
    walk(this.root);
    return out;
  }

  private add(start: bigint, end: bigint, counts = true): void {
    this.root = insert(this.root, start, end);
    this.count++;
    if (counts) this.free += end - start + 1n;
  }

  private drop(start: bigint): void {
    this.root = remove(this.root, start);
    this.count--;
  }

  /** The interval with the greatest start <= v. */
  private floor(v: bigint): Node | undefined {
    let n = this.root;
    let best: Node | undefined;
    while (n) {
      if (n.start <= v) {
        best = n;
        n = n.right;
      } else n = n.left;
    }
    return best;
  }

  /** The interval with the least start >= v. */
  private ceil(v: bigint): Node | undefined {
    let n = this.root;
    let best: Node | undefined;
    while (n) {
      if (n.start >= v) {
        best = n;
        n = n.left;
      } else n = n.right;
    }
    return best;
  }
}
