// Writes what planServiceStatuses decides, for one kind, from the speaker: server-side apply of
// the object (labels, owner) and of its status, deletes of the stale ones. One run at a time; a
// newer desired state arriving meanwhile runs next (older ones are dropped), and a failed write
// is retried with the latest state. Writes already sent are remembered for a few seconds so a
// cache that has not caught up yet does not make the same write twice.
import type { Kube, Obj, OwnerReference } from '../../k8s/client.js';
import { Informer } from '../../k8s/informer.js';
import type { Logger } from '../../util/log.js';
import { errorMessage } from '../../util/errors.js';
import { planServiceStatuses } from './plan.js';
import { sameContent } from '../../util/canonical.js';
import type { StatusFields, StatusKind, StatusPlan } from './plan.js';

const API_VERSION = 'metallb.io/v1beta1';
/** How long a write we sent stands in for the cache (the watch normally brings it in milliseconds). */
const PENDING_MS = 5_000;
const RETRY_MS = 2_000;

export interface SpeakerPod {
  name: string;
  uid: string;
}

export interface StatusWriterDeps {
  kube: Kube;
  kind: StatusKind;
  namespace: string;
  node: string;
  log: Logger;
  /** Owner of every object this speaker writes: they go with the speaker Pod (absent outside a pod). */
  pod?: SpeakerPod;
  supersedes?: (mine: StatusFields, theirs: Record<string, unknown>) => boolean;
}

type Pending = { deleted: true; until: number } | { deleted: false; obj: Obj; until: number };

export class ServiceStatusWriter {
  private readonly informer: Informer;
  private readonly pending = new Map<string, Pending>();
  private desired: ReadonlyMap<string, StatusFields> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  readonly stats = { writes: 0, deletes: 0, errors: 0 };

  constructor(private readonly d: StatusWriterDeps) {
    this.informer = new Informer(d.kube, { apiVersion: API_VERSION, kind: d.kind, namespace: d.namespace }, d.log);
    // Someone else's change (another node's takeover, a user's delete) is answered from the last state.
    this.informer.on(() => void this.kick());
  }

  start(): void {
    this.informer.start();
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.informer.stop();
  }

  /** This node's Services and their fields: the whole desired state, replacing the previous one. */
  sync(desired: ReadonlyMap<string, StatusFields>): Promise<void> {
    this.desired = desired;
    return this.kick();
  }

  private kick(): Promise<void> {
    if (this.stopped || !this.desired) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async (): Promise<void> => {
      await this.informer.synced;
      do {
        this.again = false;
        await this.runOnce();
      } while (this.again && !this.stopped);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  /** The cache with our recent writes laid over it. */
  private existing(): Obj[] {
    const now = Date.now();
    const out = new Map(this.informer.list().map((o) => [o.metadata?.name ?? '', o]));
    for (const [name, p] of this.pending) {
      const cached = out.get(name);
      const caughtUp = p.deleted ? !cached : cached !== undefined && sameContent(cached['status'], p.obj['status']);
      if (caughtUp || p.until < now) {
        this.pending.delete(name);
        continue;
      }
      if (p.deleted) out.delete(name);
      else out.set(name, p.obj);
    }
    return [...out.values()];
  }

  private async runOnce(): Promise<void> {
    if (!this.desired) return;
    const plan = planServiceStatuses({
      kind: this.d.kind,
      node: this.d.node,
      desired: this.desired,
      existing: this.existing(),
      ...(this.d.supersedes ? { supersedes: this.d.supersedes } : {}),
    });
    let failed = false;
    for (const w of plan.writes) failed = !(await this.write(w, this.informer.get(this.d.namespace, w.name))) || failed;
    for (const name of plan.deletes) failed = !(await this.remove(name)) || failed;
    if (failed) this.scheduleRetry();
  }

  private async write(w: StatusPlan['writes'][number], cached: Obj | undefined): Promise<boolean> {
    const metadata: Obj['metadata'] = { name: w.name, namespace: this.d.namespace, labels: w.labels };
    if (this.d.pod) {
      const owner: OwnerReference = { apiVersion: 'v1', kind: 'Pod', name: this.d.pod.name, uid: this.d.pod.uid };
      metadata.ownerReferences = [owner];
    }
    const obj = { apiVersion: API_VERSION, kind: this.d.kind, metadata } as Obj;
    try {
      // The object itself only when it is new or its labels/owner moved (a restarted pod).
      const owners = cached?.metadata?.ownerReferences?.map((o) => o.uid) ?? [];
      if (!cached || !sameContent(cached.metadata?.labels ?? {}, w.labels) || (this.d.pod && !owners.includes(this.d.pod.uid))) await this.d.kube.apply(obj);
      const written = await this.d.kube.applyStatus({
        apiVersion: API_VERSION,
        kind: this.d.kind,
        metadata: { name: w.name, namespace: this.d.namespace },
        status: w.status,
      });
      this.stats.writes++;
      this.pending.set(w.name, { deleted: false, obj: { ...written, status: w.status }, until: Date.now() + PENDING_MS });
      return true;
    } catch (err) {
      this.stats.errors++;
      this.d.log.warn('could not write the Service status', { event: 'service-status-error', kind: this.d.kind, service: `${w.status['serviceNamespace'] as string}/${w.status['serviceName'] as string}`, error: errorMessage(err) });
      return false;
    }
  }

  private async remove(name: string): Promise<boolean> {
    try {
      await this.d.kube.delete({ apiVersion: API_VERSION, kind: this.d.kind, name, namespace: this.d.namespace });
      this.stats.deletes++;
      this.pending.set(name, { deleted: true, until: Date.now() + PENDING_MS });
      return true;
    } catch (err) {
      this.stats.errors++;
      this.d.log.warn('could not delete a stale Service status', { event: 'service-status-error', kind: this.d.kind, object: name, error: errorMessage(err) });
      return false;
    }
  }

  private scheduleRetry(): void {
    if (this.retry || this.stopped) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.kick();
    }, RETRY_MS);
    this.retry.unref();
  }
}
