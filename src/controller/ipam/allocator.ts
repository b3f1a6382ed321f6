// The IP allocator (pure: no I/O, no clock): which IPs a LoadBalancer Service gets, by MetalLB's
// rules — requested IPs and pools, autoAssign, serviceAllocation (priority, namespaces, selectors),
// avoidBuggyIPs, IP sharing, dual-stack from one pool, lowest free address first — with a reason a
// user can act on whenever it says no. Per-allocation cost depends on the number of pools and of
// free intervals, never on pool size.
import { formatIP } from '../../net/address.js';
import type { Family } from '../../net/address.js';
import { findOverlaps } from '../../net/range.js';
import { AVOIDED, PoolState, poolsHolding } from './pool-state.js';
import { compareNames, comparePools, poolDenies } from './pool-policy.js';
import { holderOf, sharingConflict } from './sharing.js';
import { parseIPs, summarize, wantedFamilies } from './service-ips.js';
import type { Addr } from './service-ips.js';
import type { Holder } from './sharing.js';
import type { AllocationResult, PoolSpec, PoolUsage, ServiceRequest } from './types.js';

/** One IP in use, and the Services holding it (more than one only when shared). */
interface Owner extends Addr {
  /** The pool it was handed out from. */
  pool: PoolState;
  holders: string[];
  sharingKey: string | undefined;
}

/** A Service's IPs, with what sharing them depends on. */
interface Assignment extends Holder {
  pool: PoolState;
  owners: Owner[];
}

const fail = (reason: string): AllocationResult => ({ ok: false, reason });
const ok = (pool: PoolState, addrs: readonly Addr[]): AllocationResult => ({ ok: true, pool: pool.name, ips: addrs.map((a) => a.ip) });

export class Allocator {
  private pools = new Map<string, PoolState>();
  private byName: PoolState[] = [];
  /** autoAssign pools in auto-assignment order (see comparePools). */
  private autoOrder: PoolState[] = [];
  private readonly owners = new Map<string, Owner>();
  private readonly assignments = new Map<string, Assignment>();
  /** Owners by sharing key, to find an IP to share without scanning every owner. */
  private readonly shared = new Map<string, Set<Owner>>();

  constructor(pools: readonly PoolSpec[] = []) {
    this.setPools(pools);
  }

  /**
   * Replaces the pools. Every assignment whose IPs still lie in one pool is kept, in its old pool
   * when that still holds them; returns the keys of the Services whose IPs left every pool (sorted),
   * which are released: the controller reassigns them and says so in an Event.
   */
  setPools(pools: readonly PoolSpec[]): string[] {
    this.pools = new Map(pools.map((p) => [p.name, new PoolState(p)]));
    this.byName = [...this.pools.values()].sort((a, b) => compareNames(a.name, b.name));
    this.autoOrder = this.byName.filter((p) => p.spec.autoAssign).sort((a, b) => comparePools(a.spec, b.spec));
    const items = this.byName.flatMap((pool) => pool.ranges.map((range) => ({ range, pool })));
    for (const [a, b] of findOverlaps(items)) {
      if (a.pool === b.pool || a.pool.overlaps.includes(b.pool)) continue;
      a.pool.overlaps.push(b.pool);
      b.pool.overlaps.push(a.pool);
    }
    const old = [...this.assignments.values()];
    this.owners.clear();
    this.assignments.clear();
    this.shared.clear();
    const lost: string[] = [];
    for (const a of old) {
      const home = poolsHolding(this.byName, a.owners, 'IP', a.pool.name);
      if (typeof home === 'string') lost.push(a.key);
      else this.place(home[0]!, a.owners, a);
    }
    return lost.sort(compareNames);
  }

  assignment(key: string): { pool: string; ips: string[] } | undefined {
    const a = this.assignments.get(key);
    return a && { pool: a.pool.name, ips: a.owners.map((o) => o.ip) };
  }

  usage(pool: string): PoolUsage | undefined {
    return this.pools.get(pool)?.usage();
  }

  /** The pools in force, by name (the controller's pool metrics). */
  poolNames(): string[] {
    return [...this.pools.keys()];
  }

  /** Frees the Service's IPs (a shared IP stays in use while another Service holds it). */
  release(key: string): void {
    const a = this.assignments.get(key);
    if (!a) return;
    this.assignments.delete(key);
    for (const o of a.owners) {
      const i = o.holders.indexOf(key);
      if (i >= 0) o.holders.splice(i, 1);
      if (o.holders.length > 0) continue;
      this.owners.delete(o.ip);
      this.index(o, undefined);
      o.pool.give(o.family, o.value, true);
      for (const q of o.pool.overlaps) if (q.contains(o.family, o.value)) q.give(o.family, o.value, false);
    }
  }

  /**
   * Records IPs read back from a Service's status (controller start-up) exactly as they are: no
   * autoAssign, serviceAllocation or priority check, so a restart never moves an IP. Fails only when
   * the IPs are in no pool (or not in one pool), or another restored Service holds one and may not
   * share it; the next allocate() then finds the Service a new IP.
   */
  restore(s: ServiceRequest, ips: readonly string[], poolHint?: string): AllocationResult {
    const addrs = parseIPs(ips, 'IP');
    if (typeof addrs === 'string') return fail(addrs);
    if (addrs.length === 0) return fail('no IPs to restore');
    const home = poolsHolding(this.byName, addrs, 'IP', poolHint);
    if (typeof home === 'string') return fail(home);
    const h = holderOf(s);
    const why = this.conflicts(addrs, h);
    if (why) return fail(why);
    this.release(s.key);
    this.place(home[0]!, addrs, h);
    return ok(home[0]!, addrs);
  }

  /**
   * Gives the Service what it asks for. IPs it already has are kept while they still satisfy the
   * request (a PreferDualStack Service gains its missing family when its pool can give it). A
   * request that cannot be met never costs the Service the IPs it has: they stay reserved.
   */
  allocate(s: ServiceRequest): AllocationResult {
    const h = holderOf(s);
    const requested = parseIPs(s.requestedIPs, 'requested IP', s);
    const cur = this.assignments.get(s.key);
    if (cur && typeof requested !== 'string') {
      const kept = this.keep(s, h, cur, requested);
      if (kept) return kept;
    }
    if (typeof requested === 'string') return fail(requested);
    if (cur) this.release(s.key);
    const r = requested.length > 0 ? this.allocateRequested(s, h, requested) : this.allocateAuto(s, h);
    if (!r.ok && cur) this.place(cur.pool, cur.owners, cur);
    return r;
  }

  /** The current assignment, kept (and completed) if it still fits the request; else undefined. */
  private keep(s: ServiceRequest, h: Holder, cur: Assignment, requested: Addr[]): AllocationResult | undefined {
    const pool = cur.pool;
    if (poolDenies(pool.spec, s) || (s.requestedPool && s.requestedPool !== pool.name)) return undefined;
    let kept = cur.owners;
    const added: Addr[] = [];
    if (requested.length > 0) {
      if (requested.length !== kept.length || !requested.every((a) => kept.some((o) => o.ip === a.ip))) return undefined;
    } else {
      const wanted = wantedFamilies(s);
      kept = kept.filter((o) => wanted.includes(o.family));
      if (kept.length === 0) return undefined;
      for (const f of wanted) {
        if (kept.some((o) => o.family === f)) continue;
        const a = pool.hasFamily(f) ? this.pick(pool, f, h) : undefined;
        if (a) added.push(a);
        else if (s.familyPolicy === 'RequireDualStack') return undefined;
      }
    }
    if (this.conflicts(kept, h)) return undefined;
    if (added.length === 0 && kept.length === cur.owners.length) {
      Object.assign(cur, h);
      for (const o of cur.owners) if (o.holders.length === 1) this.index(o, h.sharingKey);
      return ok(pool, cur.owners);
    }
    const rank = (f: Family): number => s.families.indexOf(f);
    const addrs = [...kept, ...added].sort((a, b) => rank(a.family) - rank(b.family));
    this.release(s.key);
    this.place(pool, addrs, h);
    return ok(pool, addrs);
  }

  private allocateRequested(s: ServiceRequest, h: Holder, addrs: Addr[]): AllocationResult {
    let candidates: PoolState[];
    if (s.requestedPool) {
      const p = this.pools.get(s.requestedPool);
      if (!p) return fail(`pool "${s.requestedPool}" does not exist`);
      for (const a of addrs) {
        if (!p.contains(a.family, a.value)) return fail(`requested IP ${a.ip} is not in pool "${p.name}"`);
        if (p.avoids(a.family, a.value)) return fail(`requested IP ${a.ip} ${AVOIDED} "${p.name}" avoids (avoidBuggyIPs)`);
      }
      candidates = [p];
    } else {
      const found = poolsHolding(this.byName, addrs, 'requested IP');
      if (typeof found === 'string') return fail(found);
      candidates = found;
    }
    const pool = candidates.find((p) => !poolDenies(p.spec, s));
    if (!pool) return fail(poolDenies(candidates[0]!.spec, s)!);
    const why = this.conflicts(addrs, h);
    if (why) return fail(why);
    this.place(pool, addrs, h);
    return ok(pool, addrs);
  }

  private allocateAuto(s: ServiceRequest, h: Holder): AllocationResult {
    let pools: PoolState[];
    if (s.requestedPool) {
      const p = this.pools.get(s.requestedPool);
      if (!p) return fail(`pool "${s.requestedPool}" does not exist`);
      const denied = poolDenies(p.spec, s);
      if (denied) return fail(denied);
      pools = [p];
    } else {
      pools = this.autoOrder.filter((p) => !poolDenies(p.spec, s));
      if (pools.length === 0) {
        if (this.pools.size === 0) return fail('no IPAddressPool exists');
        if (this.autoOrder.length === 0) return fail('no pool has autoAssign enabled (ask for a pool with the address-pool annotation, or for an IP)');
        return fail(`no pool allows this Service: ${summarize(this.autoOrder.map((p) => poolDenies(p.spec, s)!))}`);
      }
    }
    const wanted = wantedFamilies(s);
    const reasons: string[] = [];
    // PreferDualStack takes both families from the first pool that has both; failing that, the
    // primary family from the first pool that has it, else the other one (as MetalLB does).
    let partial: { pool: PoolState; addrs: Addr[]; rank: number } | undefined;
    for (const pool of pools) {
      const addrs: Addr[] = [];
      const before = reasons.length;
      for (const f of wanted) {
        const a = pool.hasFamily(f) ? this.pick(pool, f, h) : undefined;
        if (a) addrs.push(a);
        else if (!pool.hasFamily(f)) reasons.push(`pool "${pool.name}" has no IPv${f} addresses`);
        else reasons.push(`no available IPs in pool "${pool.name}"${wanted.length > 1 ? ` for IPv${f}` : ''}`);
      }
      if (reasons.length === before) {
        this.place(pool, addrs, h);
        return ok(pool, addrs);
      }
      const rank = addrs[0]?.family === wanted[0] ? 0 : 1;
      if (s.familyPolicy === 'PreferDualStack' && addrs.length > 0 && (!partial || rank < partial.rank)) partial = { pool, addrs, rank };
    }
    if (partial) {
      this.place(partial.pool, partial.addrs, h);
      return ok(partial.pool, partial.addrs);
    }
    return fail(summarize(reasons));
  }

  /**
   * The lowest address of family f in the pool that `h` may use: a free one, or one already held
   * by Services it may share with (MetalLB walks the pool from its first address and takes the
   * first that is free or shareable: the same answer, without the walk).
   */
  private pick(pool: PoolState, f: Family, h: Holder): Addr | undefined {
    const free = pool.lowestFree(f);
    let best: Owner | undefined;
    for (const o of h.sharingKey ? (this.shared.get(h.sharingKey) ?? []) : []) {
      if (o.pool === pool && o.family === f && (!best || o.value < best.value) && !this.conflict(o, h)) best = o;
    }
    if (free !== undefined && (!best || free < best.value)) return { family: f, value: free, ip: formatIP(free, f) };
    return best && { family: f, value: best.value, ip: best.ip };
  }

  private conflict(o: Owner, h: Holder): string | undefined {
    for (const k of o.holders) {
      const other = this.assignments.get(k);
      const why = other && sharingConflict(o.ip, h, other);
      if (why) return why;
    }
    return undefined;
  }

  private conflicts(addrs: readonly Addr[], h: Holder): string | undefined {
    for (const a of addrs) {
      const o = this.owners.get(a.ip);
      const why = o && this.conflict(o, h);
      if (why) return why;
    }
    return undefined;
  }

  /** Records the assignment: new IPs are taken from their pool and every pool overlapping it. */
  private place(pool: PoolState, addrs: readonly Addr[], h: Holder): void {
    const owners = addrs.map((a) => {
      let o = this.owners.get(a.ip);
      if (!o) {
        o = { family: a.family, value: a.value, ip: a.ip, pool, holders: [], sharingKey: undefined };
        this.owners.set(a.ip, o);
        pool.take(a.family, a.value, true);
        for (const q of pool.overlaps) if (q.contains(a.family, a.value)) q.take(a.family, a.value, false);
      }
      if (!o.holders.includes(h.key)) o.holders.push(h.key);
      if (o.holders.length === 1) this.index(o, h.sharingKey);
      return o;
    });
    this.assignments.set(h.key, { key: h.key, sharingKey: h.sharingKey, ports: h.ports, etp: h.etp, backendKey: h.backendKey, pool, owners });
  }

  /** Sets an owner's sharing key, keeping the by-key index in step. */
  private index(o: Owner, key: string | undefined): void {
    if (o.sharingKey === key && (key === undefined || this.shared.get(key)?.has(o))) return;
    if (o.sharingKey !== undefined) this.shared.get(o.sharingKey)?.delete(o);
    if (o.sharingKey !== undefined && this.shared.get(o.sharingKey)?.size === 0) this.shared.delete(o.sharingKey);
    o.sharingKey = key;
    if (key !== undefined) (this.shared.get(key) ?? this.shared.set(key, new Set()).get(key)!).add(o);
  }
}
