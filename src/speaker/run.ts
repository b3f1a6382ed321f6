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
import { SpeakerStatus } from './speaker-status.js';
import { snapshotFromObjects } from './announce/build-snapshot.js';
import { expandLegacyConfigMaps } from '../api/convert-legacy.js';
import type { FrrLogLevel } from './frr/model.js';
import { startL2 } from './l2/start-l2.js';
import type { L2Handle, L2Options } from './l2/start-l2.js';
import { collectFrr, readSessions } from './frr-reads.js';
import { SessionPoll } from './session-poll.js';
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

  const poll = new SessionPoll({
    vtysh: d.vtysh,
    loop,
    status,
    metrics,
    log: d.log,
    intervalMs: d.statusIntervalMs ?? 3000,
    legacyProblems: () => legacyProblems,
  });
  poll.start();

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
      poll.stop();
      loop.stop();
      caches.stop();
      bgpStatuses.stop();
      secrets.stop();
      await server?.close();
    },
  };
}
