// Wiring of `metallb controller`: caches, leader election, the Service work queue, pool status.
import type { Kube, Obj } from '../k8s/client.js';
import { Caches } from '../k8s/caches.js';
import { controllerInformerSpecs } from '../k8s/watched-kinds.js';
import { WorkQueue } from '../k8s/queue.js';
import { LeaderElector } from '../k8s/lease.js';
import { Metrics } from '../metrics/registry.js';
import { M } from '../metrics/catalog.js';
import { serveMetrics } from '../metrics/server.js';
import type { MetricsAddress } from '../metrics/server.js';
import { kubeAuthorizer } from '../metrics/authz.js';
import type { Logger } from '../util/log.js';
import { errorMessage } from '../util/errors.js';
import { CONTROLLER_LEASE, STATUS_SERVICE_NAME_LABEL, STATUS_SERVICE_NAMESPACE_LABEL } from '../api/object-names.js';
import { ServiceSync } from './sync.js';
import { PoolStatusWriter } from './pool-status.js';
import type { PoolUsage } from './ipam/types.js';
import { PeerSummaryWriter } from './peer-summary.js';
import { layer2AnnotationPatch, recordsFor } from './l2-annotations.js';
import { keepServing } from '../webhook/server.js';

export interface ControllerDeps {
  kube: Kube;
  log: Logger;
  namespace: string;
  identity: string;
  loadBalancerClass?: string;
  /** host:port for /metrics and the probes (HTTPS with a token check given certDir). */
  metricsAddress?: MetricsAddress;
  /** Serve the validating admission webhook (every replica, leader or not). */
  webhook?: { host: string; port: number; certDir: string; certPollMs?: number };
  leaseDurationSeconds?: number;
  renewMs?: number;
}

export interface ControllerHandle {
  sync: ServiceSync;
  caches: Caches;
  queue: WorkQueue;
  elector: LeaderElector;
  metrics: Metrics;
  /** The port /metrics listens on (0 without metricsAddress). */
  metricsPort(): number;
  /** The webhook's port once it serves (0 before, or without one). */
  webhookPort(): number;
  /** What /readyz answers: true unless a webhook was asked for and does not serve yet. */
  ready(): boolean;
  stop(): Promise<void>;
}

const inUse = (u: PoolUsage | undefined): number => (u ? u.assignedIPv4 + u.assignedIPv6 : 0);
// A gauge is a float: an IPv6 pool's size (up to 2^128) is shown rounded, as upstream does.
const total = (u: PoolUsage | undefined): number => (u ? inUse(u) + Number(u.availableIPv4) + Number(u.availableIPv6) : 0);

export async function runController(d: ControllerDeps): Promise<ControllerHandle> {
  const metrics = new Metrics('controller');
  const caches = new Caches(d.kube, controllerInformerSpecs(d.namespace), d.log);
  const inf = (kind: string): Obj[] => caches.informers.find((i) => i.spec.kind === kind)?.list() ?? [];
  const sync = new ServiceSync({
    kube: d.kube,
    log: d.log,
    metrics,
    ...(d.loadBalancerClass !== undefined ? { loadBalancerClass: d.loadBalancerClass } : {}),
    service: (ns, name) => caches.get('Service', ns, name),
    services: () => inf('Service'),
    namespaceLabels: (ns) => caches.get('Namespace', undefined, ns)?.metadata?.labels ?? {},
    poolObjects: () => [...inf('IPAddressPool'), ...inf('AddressPool'), ...inf('ConfigMap')],
  });
  // Pool usage as the allocator holds it, at scrape time: only the leader allocates, so only it
  // exports the pool series (two replicas never double a pool's count).
  metrics.onCollect(() => {
    const pools = sync.allocator.poolNames();
    metrics.setSeries(M.addressesInUse, 'allocator', pools.map((pool) => ({ labels: { pool }, value: inUse(sync.allocator.usage(pool)) })));
    metrics.setSeries(M.addressesTotal, 'allocator', pools.map((pool) => ({ labels: { pool }, value: total(sync.allocator.usage(pool)) })));
  });
  const poolStatus = new PoolStatusWriter(d.kube, d.namespace, d.log);
  const peerSummary = new PeerSummaryWriter(d.kube, d.namespace, d.log);
  let leading = false;
  /** Keys that arrived while another replica led: worked through when this one takes over. */
  const deferred = new Set<string>();
  const enqueueAll = (): void => inf('Service').forEach((s) => queue.add(`svc:${s.metadata?.namespace}/${s.metadata?.name}`));
  const queue: WorkQueue = new WorkQueue(
    async (key) => {
      if (!leading) {
        deferred.add(key);
        return;
      }
      if (key === 'pools') {
        for (const lost of await sync.refreshPools()) d.log.info('IP left every pool; reassigning', { event: 'ip-lost', service: lost });
        enqueueAll();
      } else if (key === 'pool-status') {
        await poolStatus.write(inf('IPAddressPool'), (name) => sync.allocator.usage(name));
        return;
      } else if (key.startsWith('l2:')) {
        const [ns, name] = key.slice(3).split('/') as [string, string];
        const svc = caches.get('Service', ns, name);
        if (!svc || !sync.ours(svc)) return;
        const patch = layer2AnnotationPatch(svc, recordsFor(inf('ServiceL2Status'), ns, name));
        if (Object.keys(patch).length > 0) await d.kube.mergePatch({ apiVersion: 'v1', kind: 'Service', name, namespace: ns }, { metadata: { annotations: patch } });
        return;
      } else if (key.startsWith('peer:')) {
        await peerSummary.write(caches.get('BGPPeer', d.namespace, key.slice(5)));
        return;
      } else {
        const [ns, name] = key.slice(4).split('/') as [string, string];
        await sync.sync(ns, name);
      }
      queue.add('pool-status');
    },
    (key, err, attempt) => {
      metrics.inc(M.k8sUpdateErrors);
      d.log.error('sync failed', { event: 'sync-error', key, attempt, error: errorMessage(err) });
    },
  );
  caches.onChange((kind) => {
    metrics.inc(M.k8sUpdates);
    if (kind === 'IPAddressPool' || kind === 'AddressPool' || kind === 'ConfigMap') queue.add('pools');
    else if (kind === 'Namespace') enqueueAll();
  });
  caches.informers.find((i) => i.spec.kind === 'Service')!.on((t, svc) => {
    queue.add(`svc:${svc.metadata?.namespace}/${svc.metadata?.name}`);
    if (t !== 'DELETED') queue.add(`l2:${svc.metadata?.namespace}/${svc.metadata?.name}`);
  });
  caches.informers.find((i) => i.spec.kind === 'ServiceL2Status')!.on((_t, rec) => {
    const l = rec.metadata?.labels ?? {};
    if (l[STATUS_SERVICE_NAMESPACE_LABEL] && l[STATUS_SERVICE_NAME_LABEL]) queue.add(`l2:${l[STATUS_SERVICE_NAMESPACE_LABEL]}/${l[STATUS_SERVICE_NAME_LABEL]}`);
  });
  caches.informers.find((i) => i.spec.kind === 'BGPPeer')!.on((t, peer) => t !== 'DELETED' && queue.add(`peer:${peer.metadata?.name}`));
  const enqueuePeers = (): void => inf('BGPPeer').forEach((p) => queue.add(`peer:${p.metadata?.name}`));
  await caches.start();
  // The configuration is what the caches hold; bad pools are reported (stale_bool, Events), not fatal.
  metrics.set(M.configLoaded, 1);

  const elector = new LeaderElector({
    kube: d.kube,
    namespace: d.namespace,
    name: CONTROLLER_LEASE,
    identity: d.identity,
    log: d.log,
    ...(d.leaseDurationSeconds ? { durationSeconds: d.leaseDurationSeconds } : {}),
    ...(d.renewMs ? { renewMs: d.renewMs } : {}),
    onStartedLeading: () => {
      void (async (): Promise<void> => {
        // Rebuild every assignment from Service status before allocating anything, so no IP
        // ever moves because the controller restarted or leadership changed hands, and none
        // stays taken by a Service that went away while another replica led.
        await sync.rebuild();
        leading = true;
        // Stale assignments are scrubbed first, then whatever waited, then every Service.
        for (const key of sync.stale()) queue.add(`svc:${key}`);
        for (const key of deferred) queue.add(key);
        deferred.clear();
        enqueueAll();
        enqueuePeers();
      })().catch((err: unknown) => d.log.error('start of leadership failed', { event: 'leader-error', error: errorMessage(err) }));
    },
    onStoppedLeading: () => {
      leading = false;
    },
  });
  elector.start();
  // A missing certificate (its Secret not written yet) must not stop IP allocation: retried.
  const webhook = d.webhook ? await keepServing({ kube: d.kube, log: d.log, namespace: d.namespace, ...d.webhook }) : undefined;
  // Ready once the webhook (when asked for) serves: the webhook Service then sends the apiserver's
  // admission calls only to replicas that answer them, and `rollout status` waits for it.
  const ready = (): boolean => !webhook || webhook.current() !== undefined;
  const server = d.metricsAddress
    ? await serveMetrics(metrics, {
        ...d.metricsAddress,
        healthy: () => true,
        ready,
        log: d.log,
        ...(d.metricsAddress.certDir !== undefined ? { authorize: kubeAuthorizer(d.kube) } : {}),
      })
    : undefined;
  d.log.info('controller started', { event: 'start', identity: d.identity, namespace: d.namespace });
  return {
    sync,
    caches,
    queue,
    elector,
    metrics,
    webhookPort: () => webhook?.current()?.port ?? 0,
    metricsPort: () => server?.port ?? 0,
    ready,
    async stop(): Promise<void> {
      await webhook?.stop();
      queue.stop();
      await elector.stop();
      caches.stop();
      await server?.close();
    },
  };
}
