// Leader election on a coordination.k8s.io Lease: acquire when free or expired, renew while held,
// step down (and stop acting) as soon as a renewal cannot be confirmed. Optimistic concurrency on
// resourceVersion makes two candidates unable to both believe they lead. Expiry is timed by our
// own clock from when we last saw the holder renew (as client-go does), never by comparing our
// clock with the holder's renewTime: with clocks apart, that would take a live leader's lease.
import type { Kube, Obj } from './client.js';
import { errorMessage } from '../util/errors.js';
import type { Logger } from '../util/log.js';

export interface LeaseOptions {
  kube: Kube;
  namespace: string;
  name: string;
  identity: string;
  durationSeconds?: number;
  renewMs?: number;
  log: Logger;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  /** Injected clock for tests. */
  now?: () => number;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  renewTime?: string;
  acquireTime?: string;
  leaseTransitions?: number;
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
const microTime = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z');

export class LeaderElector {
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private stopped = false;
  private lastRenew = 0;
  /** The holder's last renewal as we saw it, and when we saw it change (our clock). */
  private observed: { record: string; at: number } | undefined;

  constructor(private readonly o: LeaseOptions) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    void this.tick();
  }

  /** Stops trying; a leader releases the lease so another replica can take over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.leading) {
      this.setLeading(false);
      try {
        const cur = await this.read();
        if (cur?.spec.holderIdentity === this.o.identity) await this.write(cur.obj, { ...cur.spec, holderIdentity: '', leaseDurationSeconds: 1 });
      } catch {
        /* the lease expires on its own */
      }
    }
  }

  private get ref(): { apiVersion: string; kind: string; name: string; namespace: string } {
    return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: this.o.name, namespace: this.o.namespace };
  }

  private async read(): Promise<{ obj: Obj; spec: LeaseSpec } | undefined> {
    const obj = await this.o.kube.get<Obj>(this.ref);
    return obj ? { obj, spec: (obj['spec'] ?? {}) } : undefined;
  }

  private async write(current: Obj | undefined, spec: LeaseSpec): Promise<void> {
    const path = `/apis/coordination.k8s.io/v1/namespaces/${this.o.namespace}/leases`;
    const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.o.name, namespace: this.o.namespace, ...(current ? { resourceVersion: current.metadata?.resourceVersion } : {}) }, spec };
    this.o.kube.writes.apply++;
    if (current) await this.o.kube.request('PUT', `${path}/${this.o.name}`, body);
    else await this.o.kube.request('POST', path, body);
  }

  private setLeading(v: boolean): void {
    if (v === this.leading) return;
    this.leading = v;
    this.o.log.info(v ? 'became leader' : 'lost leadership', { event: v ? 'leader-start' : 'leader-stop', identity: this.o.identity });
    if (v) this.o.onStartedLeading();
    else this.o.onStoppedLeading();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const now = (this.o.now ?? Date.now)();
    const duration = this.o.durationSeconds ?? 15;
    try {
      const cur = await this.read();
      const held = cur?.spec.holderIdentity;
      const record = `${held ?? ''}|${cur?.spec.renewTime ?? ''}|${cur?.obj.metadata?.resourceVersion ?? ''}`;
      if (this.observed?.record !== record) this.observed = { record, at: now };
      const expired = !held || now - this.observed.at > (cur?.spec.leaseDurationSeconds ?? duration) * 1000;
      if (held === this.o.identity || expired) {
        const spec: LeaseSpec = {
          holderIdentity: this.o.identity,
          leaseDurationSeconds: duration,
          renewTime: microTime(now),
          acquireTime: held === this.o.identity ? (cur?.spec.acquireTime ?? microTime(now)) : microTime(now),
          leaseTransitions: (cur?.spec.leaseTransitions ?? 0) + (held === this.o.identity ? 0 : 1),
        };
        await this.write(cur?.obj, spec);
        this.lastRenew = now;
        this.setLeading(true);
      } else {
        this.setLeading(false);
      }
    } catch (err) {
      // A conflict means someone else wrote first; any failure to confirm the lease ends leading
      // before it could have expired for the others.
      this.o.log.warn('lease renewal failed', { event: 'lease-error', error: errorMessage(err) });
      const conflict = (err as { statusCode?: number }).statusCode === 409;
      if (this.leading && (conflict || now - this.lastRenew > ((this.o.durationSeconds ?? 15) * 1000) / 2)) this.setLeading(false);
    }
    this.timer = setTimeout(() => void this.tick(), this.o.renewMs ?? 2000);
    this.timer.unref();
  }
}
