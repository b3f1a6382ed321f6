// Wiring of `metallb speaker`: caches → BgpLoop (plan, render, apply) → status, events, metrics.
import type { Kube } from '../k8s/client.js';
import type { Vtysh } from './frr/vtysh.js';
import type { Logger } from '../util/log.js';
import { Metrics, serveMetrics } from '../util/metrics.js';
import { BgpLoop } from './bgp-loop.js';
import { Caches, speakerInformerSpecs } from './watches.js';
import { SpeakerStatus } from './status.js';
import { parseNeighbors } from './sessions.js';
import { BfdWatchdog } from './bfd-watchdog.js';
import { snapshotFromObjects } from './announce/from-objects.js';
import { expandLegacyConfigMaps } from '../api/convert-legacy.js';
import type { FrrLogLevel } from './frr/model.js';

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
}

export interface SpeakerHandle {
  loop: BgpLoop;
  caches: Caches;
  metrics: Metrics;
  stop(): Promise<void>;
}

export async function runSpeaker(d: SpeakerDeps): Promise<SpeakerHandle> {
  const metrics = new Metrics();
  const caches = new Caches(d.kube, speakerInformerSpecs(d.namespace), d.log);
  const status = new SpeakerStatus(d.kube, caches, d.node, d.namespace, metrics, d.log);
  let legacyProblems: string[] = [];
  const snapshot = (): ReturnType<typeof snapshotFromObjects> => {
    const expanded = expandLegacyConfigMaps(caches.objects());
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
    onApplied: (plan) => void status.announcements(plan),
    onConfigError: (errors) => void status.configErrors(errors),
  });
  caches.onChange(() => loop.trigger());
  await caches.start();
  loop.start();
  d.log.info('speaker started', { event: 'start', node: d.node, namespace: d.namespace });

  const watchdog = new BfdWatchdog();
  const poll = setInterval(() => {
    void (async (): Promise<void> => {
      const r = await d.vtysh.run(['-c', 'show bgp vrf all neighbors json']);
      if (r.code !== 0) return;
      const sessions = parseNeighbors(r.stdout);
      for (const kick of watchdog.check(loop.lastPlan, sessions, Date.now())) {
        d.log.warn('BFD down under an Established session; re-registering it', { event: 'bfd-kick', neighbor: kick.neighbor });
        metrics.inc('metallb_bfd_reregistrations_total', 'BFD sessions re-registered by the watchdog', { peer: kick.neighbor });
        await d.vtysh.run(kick.commands.flatMap((c) => ['-c', c]));
      }
      await status.sessions(loop.lastPlan, sessions, new Date().toISOString());
      if (legacyProblems.length > 0) d.log.warn('legacy config ConfigMap ignored', { event: 'legacy-config-error', problems: legacyProblems });
    })().catch((err: unknown) => d.log.warn('status poll failed', { event: 'status-error', error: String(err) }));
  }, d.statusIntervalMs ?? 3000);
  poll.unref();

  const server = d.metricsAddress ? await serveMetrics(metrics, d.metricsAddress.port, d.metricsAddress.host, () => loop.lastError === undefined) : undefined;
  return {
    loop,
    caches,
    metrics,
    async stop(): Promise<void> {
      clearInterval(poll);
      loop.stop();
      caches.stop();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    },
  };
}
