// The speaker's liveness in the API (docs/adr/0005): one Lease per speaker, renewed every
// `renewMs`, watched by every other speaker. `live()` is the set the layer 2 planner ranks; the
// tracker calls `onChange` whenever it changes (a renewal stopped, a Lease was deleted). Peers are
// judged only as far as the watch is known to be current (our own renewals coming back on it,
// liveness.ts watchCurrentUntil): a stalled watch freezes the live set, and is restarted once our
// renewal has not come back for a lease duration.
import type { Kube, Obj } from '../../k8s/client.js';
import { Informer } from '../../k8s/informer.js';
import type { Logger } from '../../util/log.js';
import { errorMessage } from '../../util/errors.js';
import { speakerLeaseName } from '../../api/object-names.js';
import { firstSighting, liveSpeakers, selfAlive, watchCurrentUntil } from './liveness.js';
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
  /** The client the Lease watch uses (default: kube); a test points it through a proxy it can stall. */
  watchKube?: Kube;
}

/** How late our renewal may come back on the watch before peers are judged as of its due time. */
const ECHO_SLACK_MS = 250;

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  renewTime?: string;
}

const microTime = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z');

export class LeaseTracker {
  private readonly informer: Informer;
  private readonly seen = new Map<string, LeaseSighting & { renewTime: string }>();
  private renewTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private lastConfirmed: number | undefined;
  private lastLive = '';
  private stopped = false;
  /** Our clock when our own renewal last came back on the watch. */
  private lastEchoAt: number | undefined;
  /** The oldest renewal that succeeded but has not come back on the watch yet. */
  private pendingEcho: { renewTime: string; sentAt: number } | undefined;
  private lastRestart = 0;
  /** For tests and metrics: watch restarts for a stall, and whether the live set is frozen now. */
  readonly stats = { stalls: 0 };

  constructor(private readonly o: LeaseTrackerOptions) {
    const durationMs = o.durationSeconds * 1000;
    this.informer = new Informer(o.watchKube ?? o.kube, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: o.namespace, labelSelector: LIVENESS_LABEL, maxBackoffMs: Math.max(100, Math.floor(durationMs / 2)) }, o.log);
    this.informer.on((type, obj) => this.onLease(type, obj));
  }

  /** True while peers are judged as of the last moment the watch was known current, not as of now. */
  frozen(now = Date.now()): boolean {
    return watchCurrentUntil(this.lastEchoAt, this.o.renewMs, ECHO_SLACK_MS, now) < now;
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
      await this.o.kube.delete({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: speakerLeaseName(this.o.node), namespace: this.o.namespace });
    } catch (err) {
      this.o.log.warn('could not delete the liveness Lease; it expires on its own', { event: 'l2-lease-error', error: errorMessage(err) });
    }
  }

  live(now = Date.now()): Set<string> {
    const { live } = liveSpeakers([...this.seen.values()], watchCurrentUntil(this.lastEchoAt, this.o.renewMs, ECHO_SLACK_MS, now));
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
      // Our own renewal, back on the watch: everything before it has been delivered too.
      if (node === this.o.node && key === speakerLeaseName(this.o.node) && (!this.pendingEcho || renewTime >= this.pendingEcho.renewTime)) {
        if (this.frozen(now)) this.o.log.info('liveness watch current again', { event: 'l2-watch-recovered' });
        this.lastEchoAt = now;
        this.pendingEcho = undefined;
      }
    }
    this.check();
  }

  /** Recomputes the live set, reports a change, and wakes up at the next expiry. */
  private check(): void {
    if (this.stopped) return;
    const now = Date.now();
    const durationMs = this.o.durationSeconds * 1000;
    // Our renewal succeeded a lease duration ago and never came back: the watch is stalled (a
    // half-open connection ends only at its timeout, minutes later). List afresh, at most once
    // per duration; the informer's own retries stay under half a duration, jittered.
    if (this.pendingEcho && now - this.pendingEcho.sentAt >= durationMs && now - this.lastRestart >= durationMs) {
      this.lastRestart = now;
      this.stats.stalls++;
      this.o.log.warn('liveness watch stalled: our own renewal did not come back; live set frozen, restarting the watch', { event: 'l2-watch-stalled', sinceMs: now - this.pendingEcho.sentAt });
      this.informer.restart();
    }
    const live = [...this.live(now)].sort().join(',');
    if (live !== this.lastLive) {
      this.lastLive = live;
      this.o.log.info('live speakers changed', { event: 'l2-liveness', live });
      this.o.onChange();
    }
    const judgedAt = watchCurrentUntil(this.lastEchoAt, this.o.renewMs, ECHO_SLACK_MS, now);
    const { nextExpiry } = liveSpeakers([...this.seen.values()], judgedAt);
    const selfExpiry = this.lastConfirmed !== undefined ? this.lastConfirmed + durationMs - this.o.renewMs : undefined;
    // While frozen nothing expires; wake up for the restart (and every interval to look again).
    const wake = [
      judgedAt === now ? (nextExpiry ?? Infinity) : now + this.o.renewMs,
      selfExpiry !== undefined && selfExpiry > now ? selfExpiry : Infinity,
      this.pendingEcho ? Math.max(this.pendingEcho.sentAt + durationMs, this.lastRestart + durationMs) : Infinity,
      // The moment the live set would freeze if the next echo does not come.
      this.lastEchoAt !== undefined && judgedAt === now ? this.lastEchoAt + this.o.renewMs + ECHO_SLACK_MS : Infinity,
    ];
    const next = Math.min(...wake);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    if (next !== Infinity) {
      this.expiryTimer = setTimeout(() => this.check(), Math.max(1, next - now + 1));
      this.expiryTimer.unref();
    }
  }

  private async renew(): Promise<void> {
    if (this.stopped) return;
    const sent = Date.now();
    const name = speakerLeaseName(this.o.node);
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
      this.pendingEcho ??= { renewTime: body.spec.renewTime, sentAt: sent };
    } catch (err) {
      this.o.log.warn('could not renew the liveness Lease', { event: 'l2-lease-error', error: errorMessage(err) });
    }
    this.check();
    if (!this.stopped) {
      this.renewTimer = setTimeout(() => void this.renew(), this.o.renewMs);
    }
  }
}
