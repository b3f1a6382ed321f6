// Publishing what the speaker does where users look: BGPPeer status (one entry per node, applied
// with a per-node field manager so speakers never overwrite each other), nodeAssigned Events on
// Services, and the skipped-objects metric. Writes happen only when something changed.
import type { Kube } from '../k8s/client.js';
import type { Caches } from '../k8s/caches.js';
import type { BGPPlan, Skipped } from './announce/bgp.js';
import type { SessionState } from './sessions.js';
import type { Metrics } from '../metrics/registry.js';
import { M } from '../metrics/catalog.js';
import type { Logger } from '../util/log.js';
import { errorMessage } from '../util/errors.js';

export interface PeerStatusEntry {
  node: string;
  state: string;
  bfdState: string;
  prefixesSent: number;
  lastChange: string;
  /** Why this node does not open the session (the peer is skipped); absent when it does. */
  problem?: string;
}

export class SpeakerStatus {
  private readonly written = new Map<string, string>();
  /** Services in the last applied plan. */
  private announced = new Set<string>();
  /** Services newly announced whose nodeAssigned Event is not written yet. */
  private readonly pendingEvents = new Set<string>();
  private sending: Promise<void> | undefined;
  /** kind/name/message of the skipped objects whose Event is written. */
  private readonly reported = new Set<string>();

  constructor(
    private readonly kube: Kube,
    private readonly caches: Caches,
    private readonly node: string,
    private readonly namespace: string,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  /**
   * Events for Services this node starts announcing (as upstream's "nodeAssigned"). Called after
   * every apply, without waiting: Events go out one at a time from one queue, so a burst of
   * applies while 10,000 Events are being written neither writes one twice nor keeps every
   * burst's plan alive until its own loop ends (which it did: one loop per apply).
   */
  announcements(plan: BGPPlan): Promise<void> {
    const now = new Set(plan.announcements.map((a) => a.service));
    for (const key of now) if (!this.announced.has(key)) this.pendingEvents.add(key);
    // A Service withdrawn before its Event went out gets none.
    for (const key of this.pendingEvents) if (!now.has(key)) this.pendingEvents.delete(key);
    this.announced = now;
    return (this.sending ??= this.sendEvents().finally(() => (this.sending = undefined)));
  }

  private async sendEvents(): Promise<void> {
    // A Set iterates over keys added while it is iterated, so one pass drains later bursts too.
    for (const key of this.pendingEvents) {
      this.pendingEvents.delete(key);
      const [ns, name] = key.split('/') as [string, string];
      const svc = this.caches.get('Service', ns, name);
      if (!svc) continue;
      try {
        await this.kube.event(svc, 'Normal', 'nodeAssigned', `announcing from node "${this.node}" with protocol "bgp"`, 'metallb-speaker');
      } catch (err) {
        this.log.warn('could not record event', { event: 'event-error', service: key, error: errorMessage(err) });
      }
    }
  }

  /**
   * What the plan left out, where users look: a Warning `ConfigError` Event on each skipped object
   * (once per distinct reason), `metallb_speaker_skipped_objects{kind,name}`, and for a BGPPeer its
   * status entry for this node (sessions()). Never through /healthz.
   */
  async skipped(list: readonly Skipped[]): Promise<void> {
    this.metrics.reset(M.skippedObjects);
    const now = new Map<string, Skipped>();
    for (const x of list) {
      this.metrics.set(M.skippedObjects, 1, { kind: x.kind, name: x.name });
      now.set(`${x.kind}/${x.name}/${x.message}`, x);
    }
    // Fixed and broken again: reported again.
    for (const key of this.reported) if (!now.has(key)) this.reported.delete(key);
    for (const [key, x] of now) {
      if (this.reported.has(key)) continue;
      this.reported.add(key);
      const obj = this.caches.get(x.kind, this.namespace, x.name);
      if (!obj) continue;
      try {
        await this.kube.event(obj, 'Warning', 'ConfigError', `node "${this.node}" skips this ${x.kind} and applies the rest of its config: ${x.message}`, 'metallb-speaker');
      } catch (err) {
        this.log.warn('could not record event', { event: 'event-error', object: `${x.kind}/${x.name}`, error: errorMessage(err) });
      }
    }
  }

  /** Session state per BGPPeer; `sessions` is what FRR reports, `plan` maps peers to neighbors. */
  async sessions(plan: BGPPlan | undefined, sessions: SessionState[], now: string): Promise<void> {
    const peers = (this.caches.informers.find((i) => i.spec.kind === 'BGPPeer')?.list() ?? []) as { metadata?: { name?: string }; spec?: { peerAddress?: string; interface?: string; vrf?: string } }[];
    for (const p of peers) {
      const name = p.metadata?.name ?? '';
      const mine = plan?.config.routers.some((r) => (r.vrf ?? '') === (p.spec?.vrf ?? '') && r.neighbors.some((n) => (n.address ?? n.iface) === (p.spec?.peerAddress ?? p.spec?.interface)));
      const s = sessions.find((x) => x.vrf === (p.spec?.vrf ?? '') && x.neighbor === (p.spec?.peerAddress ?? p.spec?.interface));
      const problem = plan?.skipped.find((x) => x.kind === 'BGPPeer' && x.name === name)?.message;
      const entries: PeerStatusEntry[] = mine
        ? [{ node: this.node, state: s?.state ?? 'Idle', bfdState: s?.bfdState ?? '', prefixesSent: s?.prefixesSent ?? 0, lastChange: now }]
        : problem
          ? [{ node: this.node, state: 'Skipped', bfdState: '', prefixesSent: 0, lastChange: now, problem }]
          : [];
      const fingerprint = JSON.stringify(entries.map(({ lastChange: _omit, ...e }) => e));
      if (this.written.get(name) === fingerprint) continue;
      try {
        await this.applyStatus(name, entries);
        this.written.set(name, fingerprint);
      } catch (err) {
        this.log.warn('could not update BGPPeer status', { event: 'status-error', peer: name, error: errorMessage(err) });
      }
    }
  }

  private async applyStatus(peer: string, sessions: PeerStatusEntry[]): Promise<void> {
    const body = { apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: peer, namespace: this.namespace }, status: { sessions } };
    const manager = encodeURIComponent(`metallb-speaker-${this.node}`.slice(0, 128));
    this.kube.writes.status++;
    await this.kube.request('PATCH', `/apis/metallb.io/v1beta2/namespaces/${this.namespace}/bgppeers/${peer}/status?fieldManager=${manager}&force=true`, body, 'application/apply-patch+yaml');
  }
}
