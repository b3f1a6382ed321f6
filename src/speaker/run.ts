// Wiring of `metallb speaker`: caches → BgpLoop (plan, render, apply) → status, events, metrics.
import type { Kube, Obj } from '../k8s/client.js';
import type { Vtysh } from './frr/vtysh.js';
import type { Logger } from '../util/log.js';
import { Metrics, serveMetrics } from '../util/metrics.js';
import { BgpLoop } from './bgp-loop.js';
import { Caches, speakerInformerSpecs } from './watches.js';
import { ReferencedSecrets } from './secrets.js';
import type { KubeObject } from '../api/yaml.js';
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

export interface SpeakerDeps {
  kube: Kube;
  vtysh: Vtysh;
  node: string;
  namespace: string;
  log: Logger;
  loadBalancerClass?: string;
  frrLogLevel?: FrrLogLevel;
  /** host:port for /metrics and /healthz; omitted in tests that run several speakers. */
  metricsAddress?: { host: string; port: number };
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
  stop(): Promise<void>;
}

const SHOW_NEIGHBORS = 'show bgp vrf all neighbors json';

/**
 * bgpd's neighbor table: from its socket (no vtysh process every 3 s), else from vtysh; undefined
 * while FRR does not answer (restarting): that poll is skipped, the apply loop reports FRR errors.
 */
async function neighborsJson(vtysh: Vtysh): Promise<string | undefined> {
  if (vtysh.query) {
    try {
      return await vtysh.query('bgpd', SHOW_NEIGHBORS);
    } catch {
      /* bgpd not answering on its socket: vtysh says why below */
    }
  }
  const r = await vtysh.run(['-c', SHOW_NEIGHBORS]);
  return r.code === 0 ? r.stdout : undefined;
}

/** FRR's sessions, or undefined while it does not answer. */
async function readSessions(vtysh: Vtysh): Promise<SessionState[] | undefined> {
  const json = await neighborsJson(vtysh);
  return json === undefined ? undefined : parseNeighbors(json);
}

export async function runSpeaker(d: SpeakerDeps): Promise<SpeakerHandle> {
  const metrics = new Metrics();
  const caches = new Caches(d.kube, speakerInformerSpecs(d.namespace), d.log);
  const status = new SpeakerStatus(d.kube, caches, d.node, d.namespace, metrics, d.log);
  const bgpStatuses = new ServiceStatusWriter({ kube: d.kube, kind: 'ServiceBGPStatus', namespace: d.namespace, node: d.node, log: d.log, ...(d.pod ? { pod: d.pod } : {}) });
  let legacyProblems: string[] = [];
  let trigger = (): void => {};
  const secrets = new ReferencedSecrets(d.kube, d.namespace, d.log, () => trigger());
  const snapshot = (): ReturnType<typeof snapshotFromObjects> => {
    const expanded = expandLegacyConfigMaps([...caches.objects(), ...(secrets.objects() as unknown as KubeObject[])]);
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
      metrics.inc('metallb_bfd_reregistrations_total', 'BFD sessions re-registered by the watchdog', { peer: kick.neighbor });
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

  const server = d.metricsAddress ? await serveMetrics(metrics, d.metricsAddress.port, d.metricsAddress.host, () => loop.healthy()) : undefined;
  return {
    loop,
    caches,
    metrics,
    ...(l2 ? { l2 } : {}),
    async stop(): Promise<void> {
      await l2?.stop();
      polling = false;
      clearTimeout(poll);
      loop.stop();
      caches.stop();
      bgpStatuses.stop();
      secrets.stop();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    },
  };
}
