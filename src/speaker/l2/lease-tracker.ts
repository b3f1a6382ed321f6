// The speaker's liveness in the API (docs/adr/0005): one Lease per speaker, renewed every
// `renewMs`, watched by every other speaker. `live()` is the set the layer 2 planner ranks; the
// tracker calls `onChange` whenever it changes (a renewal stopped, a Lease was deleted).
import type { Kube, Obj } from '../../k8s/client.js';
import { Informer } from '../../k8s/informer.js';
import type { Logger } from '../../util/log.js';
import { errorMessage } from '../../util/errors.js';
import { firstSighting, liveSpeakers, selfAlive } from './liveness.js';
import type { LeaseSighting } from './liveness.js';

export const LIVENESS_LABEL = 'metallb.io/speaker-liveness';

export interface LeaseTrackerOptions {
  kube: Kube;
  namespace: string;
  node: string;
  log: Logger;
  durationSeconds: number;
  renewMs: number;
  onChange: () => void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  renewTime?: string;
}

const microTime = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z');

export const leaseName = (node: string): string => `metallb-speaker-${node}`.slice(0, 253);

export class LeaseTracker {
  private readonly informer: Informer;
  private readonly seen = new Map<string, LeaseSighting & { renewTime: string }>();
  private renewTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private lastConfirmed: number | undefined;
  private lastLive = '';
  private stopped = false;

  constructor(private readonly o: LeaseTrackerOptions) {
    this.informer = new Informer(o.kube, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: o.namespace, labelSelector: LIVENESS_LABEL }, o.log);
    this.informer.on((type, obj) => this.onLease(type, obj));
  }

  async start(): Promise<void> {
    await this.renew();
    this.informer.start();
    await this.informer.synced;
    this.check();
  }

  /** Stops renewing and deletes our Lease, so the others take over without waiting for it to expire. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.renewTimer) clearTimeout(this.renewTimer);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.informer.stop();
    try {
      await this.o.kube.delete({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: leaseName(this.o.node), namespace: this.o.namespace });
    } catch (err) {
      this.o.log.warn('could not delete the liveness Lease; it expires on its own', { event: 'l2-lease-error', error: errorMessage(err) });
    }
  }

  live(now = Date.now()): Set<string> {
    const { live } = liveSpeakers([...this.seen.values()], now);
    if (selfAlive(this.lastConfirmed, this.o.durationSeconds * 1000, this.o.renewMs, now)) live.add(this.o.node);
    else live.delete(this.o.node);
    return live;
  }

  private onLease(type: string, obj: Obj): void {
    const spec = (obj['spec'] ?? {}) as LeaseSpec;
    const node = spec.holderIdentity;
    const key = obj.metadata?.name ?? '';
    if (type === 'DELETED' || !node) this.seen.delete(key);
    else {
      const now = Date.now();
      const durationMs = (spec.leaseDurationSeconds ?? this.o.durationSeconds) * 1000;
      const renewTime = spec.renewTime ?? '';
      const prev = this.seen.get(key);
      const seenAt = prev ? (prev.renewTime === renewTime ? prev.seenAt : now) : firstSighting(renewTime ? Date.parse(renewTime) : undefined, durationMs, now);
      this.seen.set(key, { node, durationMs, seenAt, renewTime });
    }
    this.check();
  }

  /** Recomputes the live set, reports a change, and wakes up at the next expiry. */
  private check(): void {
    if (this.stopped) return;
    const now = Date.now();
    const live = [...this.live(now)].sort().join(',');
    if (live !== this.lastLive) {
      this.lastLive = live;
      this.o.log.info('live speakers changed', { event: 'l2-liveness', live });
      this.o.onChange();
    }
    const { nextExpiry } = liveSpeakers([...this.seen.values()], now);
    const selfExpiry = this.lastConfirmed !== undefined ? this.lastConfirmed + this.o.durationSeconds * 1000 - this.o.renewMs : undefined;
    const next = Math.min(nextExpiry ?? Infinity, selfExpiry !== undefined && selfExpiry > now ? selfExpiry : Infinity);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    if (next !== Infinity) {
      this.expiryTimer = setTimeout(() => this.check(), Math.max(1, next - now + 1));
      this.expiryTimer.unref();
    }
  }

  private async renew(): Promise<void> {
    if (this.stopped) return;
    const sent = Date.now();
    const name = leaseName(this.o.node);
    const body = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: this.o.namespace, labels: { [LIVENESS_LABEL]: 'true', 'app.kubernetes.io/component': 'speaker' } },
      spec: { holderIdentity: this.o.node, leaseDurationSeconds: this.o.durationSeconds, renewTime: microTime(sent) },
    };
    try {
      this.o.kube.writes.apply++;
      const manager = encodeURIComponent(`metallb-speaker-${this.o.node}`.slice(0, 128));
      await this.o.kube.request('PATCH', `/apis/coordination.k8s.io/v1/namespaces/${this.o.namespace}/leases/${name}?fieldManager=${manager}&force=true`, body, 'application/apply-patch+yaml');
      this.lastConfirmed = sent;
    } catch (err) {
      this.o.log.warn('could not renew the liveness Lease', { event: 'l2-lease-error', error: errorMessage(err) });
    }
    this.check();
    if (!this.stopped) {
      this.renewTimer = setTimeout(() => void this.renew(), this.o.renewMs);
    }
  }
}
