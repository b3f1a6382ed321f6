// The IP allocator (pure, no I/O): which IPs a LoadBalancer Service gets, by MetalLB's rules —
// requested IPs and pools, autoAssign, serviceAllocation (priority, namespaces, selectors),
// avoidBuggyIPs, IP sharing, dual-stack — with a reason a user can act on whenever it says no.
import { familyOf, formatIP, parseIP } from '../../net/range.js';
import type { Family } from '../../net/range.js';
import { matchesAny } from '../../util/selector.js';
import { PoolState } from './pool-state.js';
import type { AllocationResult, PoolSpec, PoolUsage, ServiceRequest } from './types.js';

interface Owner {
  keys: Set<string>;
  pool: string;
  family: Family;
  value: bigint;
  sharingKey?: string;
  /** Ports and traffic policy per Service: only kept for shared IPs, where they matter. */
  ports?: Map<string, string[]>;
  etp?: Map<string, string>;
}

interface Parsed {
  ip: string;
  family: Family;
  value: bigint;
}

interface Assignment {
  pool: string;
  ips: string[];
}

const portsOf = (s: ServiceRequest): string[] => s.ports.map((p) => `${p.port}/${p.protocol}`);
const etpOf = (s: ServiceRequest): string => (s.externalTrafficPolicy === 'Local' ? `Local:${s.backendKey}` : 'Cluster');

export class Allocator {
  private pools = new Map<string, PoolState>();
  private readonly owners = new Map<string, Owner>();
  private readonly assignments = new Map<string, Assignment>();

  constructor(pools: readonly PoolSpec[] = []) {
    this.setPools(pools);
  }

  /**
   * Replaces the pools, keeping every assignment that still fits; returns the Services whose IPs
   * left all pools (the controller reassigns them and says so in an Event).
   */
  setPools(pools: readonly PoolSpec[]): string[] {
    this.pools = new Map(pools.map((p) => [p.name, new PoolState(p)]));
    const lost: string[] = [];
    const old = [...this.assignments];
    this.owners.clear();
    this.assignments.clear();
    for (const [key, a] of old) {
      const homes = a.ips.map((ip) => this.poolOfIP(ip, a.pool));
      const home = homes[0];
      if (!home || homes.some((h) => h !== home)) {
        lost.push(key);
        continue;
      }
      this.place(key, home, a.ips, undefined);
    }
    return lost;
  }

  assignment(key: string): { pool: string; ips: string[] } | undefined {
    const a = this.assignments.get(key);
    return a ? { pool: a.pool, ips: [...a.ips] } : undefined;
  }

  usage(pool: string): PoolUsage | undefined {
    return this.pools.get(pool)?.usage();
  }

  release(key: string): void {
    const a = this.assignments.get(key);
    if (!a) return;
    this.assignments.delete(key);
    for (const ip of a.ips) {
      const o = this.owners.get(ip);
      if (!o) continue;
      o.keys.delete(key);
      o.ports?.delete(key);
      o.etp?.delete(key);
      if (o.keys.size === 0) {
        this.owners.delete(ip);
        this.pools.get(o.pool)?.give(o.family, o.value);
      }
    }
  }

  /** The pool holding an IP: the hinted one when it does, else the first by name. */
  private poolOfIP(ip: string, hint?: string): PoolState | undefined {
    const p = parseIP(ip);
    if (!p) return undefined;
    const h = hint ? this.pools.get(hint) : undefined;
    if (h?.contains(p.family, p.value)) return h;
    return [...this.pools.values()].sort((a, b) => a.name.localeCompare(b.name)).find((x) => x.contains(p.family, p.value));
  }

  /** Why this pool may not serve this Service, or undefined. */
  private notAllowed(pool: PoolState, s: ServiceRequest): string | undefined {
    const sa = pool.spec.serviceAllocation;
    if (!sa) return undefined;
    if (sa.namespaces?.length && !sa.namespaces.includes(s.namespace)) return `pool "${pool.name}" only serves namespaces ${sa.namespaces.join(', ')}, not "${s.namespace}"`;
    if (sa.namespaceSelectors?.length && !matchesAny(sa.namespaceSelectors, s.namespaceLabels)) return `pool "${pool.name}" does not serve namespace "${s.namespace}" (namespaceSelectors do not match)`;
    if (sa.serviceSelectors?.length && !matchesAny(sa.serviceSelectors, s.labels)) return `pool "${pool.name}" does not serve this Service (serviceSelectors do not match its labels)`;
    return undefined;
  }

  /** Why `s` may not use `ip` now (taken by someone it cannot share with), or undefined. */
  private conflict(ip: string, s: ServiceRequest): string | undefined {
    const o = this.owners.get(ip);
    if (!o || (o.keys.size === 1 && o.keys.has(s.key))) return undefined;
    const others = [...o.keys].filter((k) => k !== s.key);
    const who = others.join(', ');
    if (!s.sharingKey || o.sharingKey !== s.sharingKey) return `IP ${ip} is already in use by ${who}${o.sharingKey || s.sharingKey ? ' (different allow-shared-ip key)' : ''}`;
    const mine = new Set(portsOf(s));
    for (const k of others) {
      const clash = (o.ports?.get(k) ?? []).filter((p) => mine.has(p));
      if (clash.length) return `IP ${ip} is shared with ${k}, which already uses port ${clash.join(', ')}`;
      if (o.etp?.get(k) !== etpOf(s)) return `IP ${ip} is shared with ${k}, whose externalTrafficPolicy/endpoints differ (Local Services sharing an IP must select the same pods)`;
    }
    return undefined;
  }

  private place(key: string, pool: PoolState, ips: string[], s: ServiceRequest | undefined): void {
    this.placeParsed(key, pool, ips.map((ip) => ({ ip, ...parseIP(ip)! })), s);
  }

  private placeParsed(key: string, pool: PoolState, entries: Parsed[], s: ServiceRequest | undefined): void {
    for (const { ip, family, value } of entries) {
      let o = this.owners.get(ip);
      if (!o) {
        pool.take(family, value);
        o = { keys: new Set(), pool: pool.name, family, value };
        if (s?.sharingKey) o.sharingKey = s.sharingKey;
        this.owners.set(ip, o);
      }
      o.keys.add(key);
      if (s && o.sharingKey) {
        (o.ports ??= new Map()).set(key, portsOf(s));
        (o.etp ??= new Map()).set(key, etpOf(s));
      }
    }
    this.assignments.set(key, { pool: pool.name, ips: entries.map((e) => e.ip) });
  }

  /** Families this Service needs from a pool, or why the pool cannot give them. */
  private familiesFrom(pool: PoolState, s: ServiceRequest): Family[] | string {
    const wanted = s.familyPolicy === 'SingleStack' ? s.families.slice(0, 1) : s.families;
    const have = wanted.filter((f) => pool.hasFamily(f));
    if (s.familyPolicy === 'RequireDualStack' && have.length < wanted.length) return `pool "${pool.name}" lacks ${wanted.filter((f) => !pool.hasFamily(f)).map((f) => `IPv${f}`).join(' and ')} addresses (RequireDualStack)`;
    if (have.length === 0) return `pool "${pool.name}" has no IPv${wanted[0] ?? 4} addresses`;
    return have;
  }

  /** Does the current assignment still satisfy what the Service asks? */
  private stillFits(s: ServiceRequest, a: Assignment): boolean {
    const pool = this.pools.get(a.pool);
    if (!pool || this.notAllowed(pool, s)) return false;
    if (s.requestedPool && s.requestedPool !== a.pool) return false;
    if (s.requestedIPs.length > 0) return [...s.requestedIPs].sort().join() === [...a.ips].sort().join();
    const fams = this.familiesFrom(pool, s);
    if (typeof fams === 'string') return false;
    return fams.length === a.ips.length && fams.every((f) => a.ips.some((ip) => familyOf(ip) === f));
  }

  /** Restores an assignment read back from a Service (controller start-up): never moves an IP. */
  restore(s: ServiceRequest, ips: string[], poolHint?: string): AllocationResult {
    const homes = ips.map((ip) => this.poolOfIP(ip, poolHint));
    const pool = homes[0];
    if (!pool || homes.some((h) => h !== pool)) return { ok: false, reason: `IPs ${ips.join(', ')} are not all in one pool` };
    for (const ip of ips) {
      const why = this.conflict(ip, s);
      if (why) return { ok: false, reason: why };
    }
    this.place(s.key, pool, ips, s);
    return { ok: true, pool: pool.name, ips };
  }

  /** Gives the Service what it asks for, keeping its current IPs when they still fit. */
  allocate(s: ServiceRequest): AllocationResult {
    const current = this.assignments.get(s.key);
    if (current && this.stillFits(s, current)) {
      this.place(s.key, this.pools.get(current.pool)!, current.ips, s); // refresh ports/ETP for sharing
      return { ok: true, pool: current.pool, ips: [...current.ips] };
    }
    if (current) this.release(s.key);
    const r = s.requestedIPs.length > 0 ? this.allocateRequested(s) : this.allocateAuto(s);
    // A request that cannot be met never costs the Service the IPs it has: they are kept (and
    // stay reserved) until the new request can be satisfied.
    if (!r.ok && current) this.place(s.key, this.pools.get(current.pool)!, current.ips, s);
    return r;
  }

  private allocateRequested(s: ServiceRequest): AllocationResult {
    let pool: PoolState | undefined;
    for (const ip of s.requestedIPs) {
      const p = parseIP(ip);
      if (!p) return { ok: false, reason: `requested IP "${ip}" is not an IP address` };
      const home = s.requestedPool ? this.pools.get(s.requestedPool) : this.poolOfIP(ip);
      if (s.requestedPool && !home) return { ok: false, reason: `pool "${s.requestedPool}" does not exist` };
      if (!home || !home.contains(p.family, p.value)) return { ok: false, reason: s.requestedPool ? `requested IP ${ip} is not in pool "${s.requestedPool}"` : `requested IP ${ip} is not in any pool` };
      const bad = home.unusable(p.family, p.value);
      if (bad) return { ok: false, reason: `requested IP ${ip} is ${bad}` };
      if (pool && pool !== home) return { ok: false, reason: `requested IPs ${s.requestedIPs.join(', ')} are in different pools (${pool.name}, ${home.name})` };
      pool = home;
      const why = this.conflict(formatIP(p.value, p.family), s);
      if (why) return { ok: false, reason: why };
    }
    const denied = this.notAllowed(pool!, s);
    if (denied) return { ok: false, reason: denied };
    const ips = s.requestedIPs.map((ip) => formatIP(parseIP(ip)!.value, familyOf(ip)));
    this.place(s.key, pool!, ips, s);
    return { ok: true, pool: pool!.name, ips };
  }

  private candidates(s: ServiceRequest): PoolState[] | string {
    if (s.requestedPool) {
      const p = this.pools.get(s.requestedPool);
      if (!p) return `pool "${s.requestedPool}" does not exist`;
      return this.notAllowed(p, s) ?? [p];
    }
    const prio = (p: PoolState): number => p.spec.serviceAllocation?.priority ?? Number.MAX_SAFE_INTEGER;
    const all = [...this.pools.values()].filter((p) => p.spec.autoAssign);
    const ok = all.filter((p) => !this.notAllowed(p, s)).sort((a, b) => prio(a) - prio(b) || a.name.localeCompare(b.name));
    if (ok.length === 0) return all.length === 0 ? 'no pool has autoAssign enabled (request a pool or an IP, or create an IPAddressPool)' : `no pool serves this Service: ${all.map((p) => this.notAllowed(p, s)).join('; ')}`;
    return ok;
  }

  private allocateAuto(s: ServiceRequest): AllocationResult {
    const pools = this.candidates(s);
    if (typeof pools === 'string') return { ok: false, reason: pools };
    const reasons: string[] = [];
    for (const pool of pools) {
      const fams = this.familiesFrom(pool, s);
      if (typeof fams === 'string') {
        reasons.push(fams);
        continue;
      }
      const entries: Parsed[] = [];
      for (const f of fams) {
        const shared = this.shareable(pool, f, s);
        const v = shared ?? pool.lowestFree(f);
        if (v === undefined) break;
        entries.push({ ip: formatIP(v, f), family: f, value: v });
      }
      if (entries.length === fams.length) {
        this.placeParsed(s.key, pool, entries, s);
        return { ok: true, pool: pool.name, ips: entries.map((e) => e.ip) };
      }
      reasons.push(`no available IPs in pool "${pool.name}"`);
    }
    return { ok: false, reason: reasons.join('; ') };
  }

  /** An IP of this pool and family already used with the Service's sharing key, if compatible. */
  private shareable(pool: PoolState, f: Family, s: ServiceRequest): bigint | undefined {
    if (!s.sharingKey) return undefined;
    for (const [ip, o] of this.owners) {
      if (o.pool === pool.name && o.family === f && o.sharingKey === s.sharingKey && !this.conflict(ip, s)) return o.value;
    }
    return undefined;
  }
}
