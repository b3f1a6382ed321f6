// Wiring of `metallb speaker`: caches → BgpLoop (plan, render, apply) → status, events, metrics.
import type { Kube, Obj } from '../k8s/client.js';
import type { Vtysh } from './frr/vtysh.js';
import type { Logger } from '../util/log.js';
import { Metrics } from '../metrics/registry.js';
import { M } from '../metrics/catalog.js';
import { serveMetrics } from '../metrics/server.js';
import type { MetricsAddress } from '../metrics/server.js';
import { kubeAuthorizer } from '../metrics/authz.js';
import { BgpLoop } from './bgp-loop.js';
import { Caches } from '../k8s/caches.js';
import { speakerInformerSpecs } from '../k8s/watched-kinds.js';
import { ReferencedSecrets } from './secrets.js';
import { SpeakerStatus } from './status.js';
import { parseNeighbors } from './sessions.js';
import type { SessionState } from './sessions.js';
import { BfdWatchdog } from './bfd-watchdog.js';
import { snapshotFromObjects } from './announce/from-objects.js';
import { expandLegacyConfigMaps } from '../api/convert-legacy.js';
import type { FrrLogLevel } from './frr/model.js';
import { startL2 } from './l2/wiring.js';
import type { L2Handle, L2Options } from './l2/wiring.js';
import { ServiceStatusWriter } from './service-status/writer.js';
import type { SpeakerPod } from './service-status/writer.js';
import { bgpStatusFields } from './service-status/fields.js';
import { bfdSeries, bgpSeries, parseBfdPeers } from './frr-metrics.js';
import type { Series } from './frr-metrics.js';
import { BFD_SESSION_METRICS, BGP_SESSION_METRICS } from '../metrics/catalog.js';
import type { MetricDef } from '../metrics/catalog.js';

export interface SpeakerDeps {
  kube: Kube;
  vtysh: Vtysh;
  node: string;
  namespace: string;
  log: Logger;
  loadBalancerClass?: string;
  frrLogLevel?: FrrLogLevel;
  /** host:port for /metrics and /healthz (HTTPS with a token check given certDir); omitted in tests that run several speakers. */
  metricsAddress?: MetricsAddress;
  statusIntervalMs?: number;
  /** Layer 2 (ARP/NDP); omitted: this speaker announces by BGP only. */
  l2?: L2Options;
  /** The speaker's own Pod (downward API): owner of its ServiceL2Status/ServiceBGPStatus objects. */
  pod?: SpeakerPod;
}

export interface SpeakerHandle {
  loop: BgpLoop;
  caches: Caches;
  metrics: Metrics;
  l2?: L2Handle;
  /** The port /metrics listens on (0 without metricsAddress): a test may ask for port 0. */
  metricsPort(): number;
  stop(): Promise<void>;
}

const SHOW_NEIGHBORS = 'show bgp vrf all neighbors json';

/**
 * One show command on one daemon: from its socket (no vtysh process every 3 s), else from vtysh;
 * undefined while FRR does not answer (restarting): that poll is skipped, the apply loop reports FRR errors.
 */
async function show(vtysh: Vtysh, daemon: string, command: string): Promise<string | undefined> {
  if (vtysh.query) {
    try {
      return await vtysh.query(daemon, command);
    } catch {
      /* not on its socket: vtysh below */
    }
  }
  const r = await vtysh.run(['-c', command]);
  return r.code === 0 ? r.stdout : undefined;
}

/** FRR's sessions (bgpd's neighbor table), or undefined while it does not answer. */
async function readSessions(vtysh: Vtysh): Promise<SessionState[] | undefined> {
  const json = await show(vtysh, 'bgpd', SHOW_NEIGHBORS);
  return json === undefined ? undefined : parseNeighbors(json);
}

/**
 * The metallb_bgp_* and metallb_bfd_* series, read from FRR at scrape time (upstream's collector
 * does the same with vtysh): a scrape shows FRR's counters as they are. While a daemon does not
 * answer, its series keep their last values rather than vanish (an alert on session_up == 0
 * must not be silenced by a restarting bgpd).
 */
function collectFrr(vtysh: Vtysh, metrics: Metrics): () => Promise<void> {
  // Every family of the group is replaced, so a session FRR no longer has loses its series.
  const publish = (owner: string, families: readonly MetricDef[], series: Series[]): void => {
    for (const def of families) metrics.setSeries(def, owner, series.filter((s) => s.def === def));
  };
  return async () => {
    const [neighbors, peers, counters] = await Promise.all([
      show(vtysh, 'bgpd', SHOW_NEIGHBORS),
      show(vtysh, 'bfdd', 'show bfd peers json'),
      show(vtysh, 'bfdd', 'show bfd peers counters json'),
    ]);
    if (neighbors !== undefined) publish('frr-bgp', BGP_SESSION_METRICS, bgpSeries(parseNeighbors(neighbors)));
    if (peers !== undefined && counters !== undefined) publish('frr-bfd', BFD_SESSION_METRICS, bfdSeries(parseBfdPeers(peers, counters)));
  };
}

export async function runSpeaker(d: SpeakerDeps): Promise<SpeakerHandle> {
  const metrics = new Metrics('speaker');
  metrics.onCollect(collectFrr(d.vtysh, metrics));
  const caches = new Caches(d.kube, speakerInformerSpecs(d.namespace), d.log);
  const status = new SpeakerStatus(d.kube, caches, d.node, d.namespace, metrics, d.log);
  const bgpStatuses = new ServiceStatusWriter({ kube: d.kube, kind: 'ServiceBGPStatus', namespace: d.namespace, node: d.node, log: d.log, ...(d.pod ? { pod: d.pod } : {}) });
  let legacyProblems: string[] = [];
  let trigger = (): void => {};
  const secrets = new ReferencedSecrets(d.kube, d.namespace, d.log, () => trigger());
  const snapshot = (): ReturnType<typeof snapshotFromObjects> => {
    const expanded = expandLegacyConfigMaps([...caches.objects(), ...secrets.objects()]);
    legacyProblems = expanded.problems;
    return snapshotFromObjects(expanded.objects, d.loadBalancerClass !== undefined ? { loadBalancerClass: d.loadBalancerClass } : {});
  };
  const loop = new BgpLoop({
    node: d.node,
    vtysh: d.vtysh,
    snapshot,
    log: d.log,
    metrics,
    ...(d.frrLogLevel ? { frrLogLevel: d.frrLogLevel } : {}),
    onApplied: (plan) => {
      void status.announcements(plan);
      void bgpStatuses.sync(bgpStatusFields(plan.announcements));
      void status.skipped(plan.skipped);
    },
  });
  const peers = (): Obj[] => caches.informers.find((i) => i.spec.kind === 'BGPPeer')?.list() ?? [];
  trigger = (): void => loop.trigger();
  caches.onChange((kind) => {
    metrics.inc(M.k8sUpdates);
    if (kind === 'BGPPeer') void secrets.follow(peers());
    loop.trigger();
  });
  await caches.start();
  bgpStatuses.start();
  // The first plan waits (a moment) for the passwords, so a restarted speaker keeps its sessions.
  await secrets.follow(peers(), 5000);
  // A speaker restarted beside a running FRR must not take BFD off the sessions FRR already has
  // up (bfd-gate.ts): the first plan starts from what FRR reports now.
  loop.sessionsSeen(await readSessions(d.vtysh).catch(() => undefined));
  loop.start();
  const l2 = d.l2 ? await startL2(d.l2, d, caches, snapshot, metrics) : undefined;
  d.log.info('speaker started', { event: 'start', node: d.node, namespace: d.namespace });

  const watchdog = new BfdWatchdog();
  const pollOnce = async (): Promise<void> => {
    const sessions = await readSessions(d.vtysh);
    loop.sessionsSeen(sessions);
    if (!sessions) return;
    for (const kick of watchdog.check(loop.lastPlan, sessions, Date.now())) {
      d.log.warn('BFD down under an Established session; re-registering it', { event: 'bfd-kick', neighbor: kick.neighbor });
      metrics.inc(M.bfdReregistrations, { peer: kick.neighbor });
      await d.vtysh.run(kick.commands.flatMap((c) => ['-c', c]));
    }
    await status.sessions(loop.lastPlan, sessions, new Date().toISOString());
    if (legacyProblems.length > 0) d.log.warn('legacy config ConfigMap ignored', { event: 'legacy-config-error', problems: legacyProblems });
  };
  // Every 3 s; every 250 ms while a BFD session waits for its BGP session, so that BFD protects
  // a session within a moment of it coming up (a poll is one query on bgpd's socket).
  let poll: NodeJS.Timeout | undefined;
  let polling = true;
  const schedule = (): void => {
    if (!polling) return;
    poll = setTimeout(() => {
      pollOnce()
        .catch((err: unknown) => d.log.warn('status poll failed', { event: 'status-error', error: String(err) }))
        .finally(schedule);
    }, loop.heldBfd().length > 0 ? Math.min(250, d.statusIntervalMs ?? 3000) : (d.statusIntervalMs ?? 3000));
    poll.unref();
  };
  schedule();

  const server = d.metricsAddress
    ? await serveMetrics(metrics, {
        ...d.metricsAddress,
        healthy: () => loop.healthy(),
        log: d.log,
        ...(d.metricsAddress.certDir !== undefined ? { authorize: kubeAuthorizer(d.kube) } : {}),
      })
    : undefined;
  return {
    loop,
    caches,
    metrics,
    ...(l2 ? { l2 } : {}),
    metricsPort: () => server?.port ?? 0,
    async stop(): Promise<void> {
      await l2?.stop();
      polling = false;
      clearTimeout(poll);
      loop.stop();
      caches.stop();
      bgpStatuses.stop();
      secrets.stop();
      await server?.close();
    },
  };
}
