// The controller's reconcile of one Service: ask the allocator, then write what changed (status
// ingress, the allocated-pool annotation) and tell the user through Events. Pools are reloaded
// when they change; Services that lost their IP are reassigned with an Event.
import type { Kube, Obj } from '../k8s/client.js';
import { Allocator } from './ipam/allocator.js';
import { parseService, poolSpecs } from './ipam/allocator-inputs.js';
import { poolProblems } from './ipam/pool-problems.js';
import { expandLegacyConfigMaps } from '../api/convert-legacy.js';
import { POOL_ANNOTATION } from '../api/service-annotations.js';
import type { Logger } from '../util/log.js';
import type { Metrics } from '../metrics/registry.js';
import { M } from '../metrics/catalog.js';
import { errorMessage } from '../util/errors.js';

const COMPONENT = 'metallb-controller';

export interface SyncDeps {
  kube: Kube;
  log: Logger;
  metrics: Metrics;
  loadBalancerClass?: string;
  service: (ns: string, name: string) => Obj | undefined;
  services: () => Obj[];
  namespaceLabels: (ns: string) => Record<string, string>;
  /** metallb.io pools and the legacy ConfigMap, as cached. */
  poolObjects: () => Obj[];
}

export class ServiceSync {
  private alloc = new Allocator();
  private poolsFingerprint = '';
  /** Last failure reason per Service, so a failing Service gets one Event, not one per resync. */
  private readonly lastFailure = new Map<string, string>();
  private readonly warnedPools = new Map<string, string>();
  /** Services whose IP left every pool on the last pool change, until they are reassigned. */
  private readonly lost = new Map<string, string[]>();

  constructor(private readonly d: SyncDeps) {}

  get allocator(): Allocator {
    return this.alloc;
  }

  /**
   * Forgets every assignment and rebuilds them from the cached Services, as at process start. A
   * replica that (re)gains the lease must not trust what it remembers: Services deleted or changed
   * while another replica led would otherwise keep their IPs taken here.
   */
  async rebuild(): Promise<void> {
    this.alloc = new Allocator();
    this.poolsFingerprint = '';
    this.lost.clear();
    await this.refreshPools();
    this.restoreAll();
  }

  /**
   * Services that carry an assignment of ours but are no longer ours to serve (type changed from
   * LoadBalancer, another class): their status and annotation are scrubbed before anything is
   * allocated, so an IP they still show is never shown by a second Service as well.
   */
  stale(): string[] {
    return this.d.services()
      .filter((s) => !(this.ours(s) && (s['spec'] as { type?: string }).type === 'LoadBalancer') && s.metadata?.annotations?.[POOL_ANNOTATION] !== undefined)
      .map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`);
  }

  /** Whether this controller serves the Service (its loadBalancerClass). */
  ours(svc: Obj): boolean {
    const cls = (svc['spec'] as { loadBalancerClass?: string } | undefined)?.loadBalancerClass;
    return this.d.loadBalancerClass === undefined ? cls === undefined : cls === this.d.loadBalancerClass;
  }

  /** Reloads pools if they changed; returns the Services whose IPs left every pool. */
  async refreshPools(): Promise<string[]> {
    const expanded = expandLegacyConfigMaps(this.d.poolObjects());
    const specs = poolSpecs(expanded.objects);
    const fp = JSON.stringify(specs, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    if (fp === this.poolsFingerprint) return [];
    this.poolsFingerprint = fp;
    const problems = [...expanded.problems.map((m) => ({ pool: undefined, message: m })), ...poolProblems(expanded.objects)];
    // Some pool is not in force as written (upstream's stale configuration, which its alert watches).
    this.d.metrics.set(M.configStale, problems.length > 0 ? 1 : 0);
    for (const p of problems) {
      const obj = p.pool ? expanded.objects.find((o) => o.metadata?.name === p.pool && (o.kind === 'IPAddressPool' || o.kind === 'AddressPool')) : undefined;
      if (this.warnedPools.get(p.pool ?? '') === p.message) continue;
      this.warnedPools.set(p.pool ?? '', p.message);
      this.d.log.warn('pool problem', { event: 'pool-problem', pool: p.pool, problem: p.message });
      if (obj) await this.event(obj, 'Warning', 'InvalidPool', p.message);
    }
    const before = new Map(this.d.services().map((svc) => [`${svc.metadata?.namespace}/${svc.metadata?.name}`, this.allocator.assignment(`${svc.metadata?.namespace}/${svc.metadata?.name}`)?.ips ?? []]));
    const lost = this.allocator.setPools(specs);
    for (const key of lost) this.lost.set(key, before.get(key) ?? []);
    return lost;
  }

  /** Restores every assignment recorded in Service status, before any new allocation. */
  restoreAll(): void {
    const svcs = this.d.services().filter((s) => this.ours(s));
    for (const svc of svcs) {
      const p = parseService(svc, this.d.namespaceLabels(svc.metadata?.namespace ?? ''));
      if (!p.isLoadBalancer || p.ingress.length === 0) continue;
      const r = this.allocator.restore(p.request, p.ingress, svc.metadata?.annotations?.[POOL_ANNOTATION]);
      if (!r.ok) this.d.log.warn('could not restore an assignment', { event: 'restore-failed', service: p.request.key, reason: r.reason });
    }
  }

  async sync(ns: string, name: string): Promise<void> {
    const key = `${ns}/${name}`;
    const svc = this.d.service(ns, name);
    if (!svc || !this.ours(svc) || (svc['spec'] as { type?: string }).type !== 'LoadBalancer') {
      const had = this.allocator.assignment(key);
      this.allocator.release(key);
      this.lastFailure.delete(key);
      // No longer ours or no longer a LoadBalancer: scrub what we wrote. The annotation is the
      // mark of our assignment, so it survives a failed or interrupted write and the next sync
      // (or the next leader, through stale()) finishes the job instead of leaving the IP shown.
      if (svc && (had || svc.metadata?.annotations?.[POOL_ANNOTATION] !== undefined)) await this.writeStatus(svc, [], undefined);
      return;
    }
    const parsed = parseService(svc, this.d.namespaceLabels(ns));
    const result = this.allocator.allocate(parsed.request);
    if (!result.ok) {
      this.d.metrics.inc(M.allocationFailures);
      if (this.lastFailure.get(key) !== result.reason) {
        this.lastFailure.set(key, result.reason);
        await this.event(svc, 'Warning', 'AllocationFailed', `Failed to allocate IP for "${key}": ${result.reason}`);
      }
      return;
    }
    this.lastFailure.delete(key);
    const same = parsed.ingress.length === result.ips.length && parsed.ingress.every((ip, i) => ip === result.ips[i]);
    const annotated = svc.metadata?.annotations?.[POOL_ANNOTATION] === result.pool;
    if (same && annotated) return;
    const events: Promise<void>[] = [];
    if (!same) {
      const lost = this.lost.get(key);
      this.lost.delete(key);
      if (lost?.length) events.push(this.event(svc, 'Warning', 'IPReassigned', `IP ${JSON.stringify(lost)} is no longer in any pool; assigned ${JSON.stringify(result.ips)} from pool "${result.pool}"`));
      events.push(this.event(svc, 'Normal', 'IPAllocated', `Assigned IP ${JSON.stringify(result.ips)}`));
      for (const d of parsed.deprecated) events.push(this.event(svc, 'Warning', 'DeprecatedAnnotation', `annotation ${d} is deprecated; use ${d.replace('metallb.universe.tf/', 'metallb.io/')}`));
    }
    // The Events go out beside the status write: the user sees both, and the sync is one round trip shorter.
    await Promise.all([this.writeStatus(svc, result.ips, result.pool), ...events]);
  }

  private async writeStatus(svc: Obj, ips: string[], pool: string | undefined): Promise<void> {
    const ref = { apiVersion: 'v1', kind: 'Service', name: svc.metadata?.name ?? '', namespace: svc.metadata?.namespace ?? 'default' };
    const annotate = async (): Promise<void> => {
      if (svc.metadata?.annotations?.[POOL_ANNOTATION] !== pool) {
        await this.d.kube.mergePatch(ref, { metadata: { annotations: { [POOL_ANNOTATION]: pool ?? null } } });
      }
    };
    const status = async (): Promise<void> => {
      const path = `/api/v1/namespaces/${ref.namespace}/services/${ref.name}/status`;
      this.d.kube.writes.status++;
      await this.d.kube.request('PATCH', path, { status: { loadBalancer: ips.length ? { ingress: ips.map((ip) => ({ ip, ipMode: 'VIP' })) } : {} } }, 'application/merge-patch+json');
    };
    // The annotation marks our assignment and is written first and removed last: whatever step
    // a crash interrupts, a Service that shows an IP in status also carries the mark, and the
    // next sync either confirms or scrubs both (an assignment: annotation, then status; a
    // release: status, then annotation).
    if (ips.length > 0) {
      await annotate();
      await status();
    } else {
      if (((svc['status'] as { loadBalancer?: { ingress?: unknown[] } } | undefined)?.loadBalancer?.ingress ?? []).length > 0) await status();
      await annotate();
    }
  }

  private async event(obj: Obj, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    try {
      await this.d.kube.event(obj, type, reason, message, COMPONENT);
    } catch (err) {
      this.d.log.warn('could not record event', { event: 'event-error', reason, error: errorMessage(err) });
    }
  }
}
