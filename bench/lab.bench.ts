// The lab end to end (`metallb lab up`, real control plane, controller, 2 speakers, FRR nodes and
// router): time from a Service's creation to its route in the router's kernel (seen by `ip monitor`,
// no polling), p50/p95 over 50 Services created one by one; then 1,000 Services created at once
// until all their routes are at the router. Where the time goes: the controller (creation → IP
// seen by a watch), the speaker (IP seen → its loop starts), planning, FRR (read, check, apply,
// verify, from the speakers' bgp-sync log lines) and BGP to the router (apply done → route).
// Runs in a processes lab of its own (METALLB_LAB_NAME=bench, unless set): one it finds up is
// used and left up, else it starts one and takes it down. Prints JSON.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { LAB_NAME_ENV, readState } from '../src/lab/state.js';
import { labUp } from '../src/lab/up.js';
import { labDown } from '../src/lab/down.js';
import { agentLog } from '../src/lab/agents.js';
import { sleep } from '../src/lab/procs.js';
import { Kube } from '../src/k8s/client.js';
import type { Obj } from '../src/k8s/client.js';
import { loadKubeConfig } from '../src/k8s/kubeconfig.js';
import { Informer } from '../src/k8s/informer.js';
import { silentLogger } from '../src/util/log.js';
import { RouteMonitor } from '../test/helpers/route-monitor.js';
import { median, percentile, round } from './stats.js';

const ONE_BY_ONE = Number(process.env['SERVICES'] ?? 50);
const AT_ONCE = Number(process.env['BURST'] ?? 1000);
const NS = 'lab-bench';
const POOL = 'lab-bench-pool';
const say = (s: string): void => void process.stderr.write(`[lab-bench] ${s}\n`);
const epoch = (t: number): number => performance.timeOrigin + t;

process.env[LAB_NAME_ENV] ??= 'bench';
const owned = readState()?.mode !== 'processes';
if (owned) await labUp({ nodes: 2, processes: true, say });
const state = readState()!;
const nodes = state.nodes;
const kube = new Kube(loadKubeConfig(state.kubeconfig), 'lab-bench');

interface SyncLine {
  triggeredAt: number;
  startedAt: number;
  planMs: number;
  readMs: number;
  checkMs: number;
  applyMs: number;
  verifyMs: number;
  applyDoneAt: number;
  doneAt: number;
  changed: boolean;
  prefixes: number;
}
const syncLines = (node: string, since: number): SyncLine[] =>
  readFileSync(agentLog(`speaker-${node}`), 'utf8').split('\n').filter((l) => l.includes('"event":"bgp-sync"')).map((l) => JSON.parse(l) as SyncLine).filter((x) => x.changed && x.doneAt >= since);

const slice = (name: string): Obj => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
  metadata: { name: `${name}-lab`, namespace: NS, labels: { 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'metallb-lab' } },
  addressType: 'IPv4', endpoints: nodes.map((n) => ({ addresses: [n.ip], nodeName: n.name, conditions: { ready: true } })), ports: [{ port: 80, protocol: 'TCP' }],
});
const service = (name: string): Obj => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS, annotations: { 'metallb.universe.tf/address-pool': POOL } },
  spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, selector: { app: name }, ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] },
});

/** A plain POST over the client's kept-alive connections: the bench's own writes must stay cheap. */
const create = (o: Obj): Promise<unknown> => {
  const kind = o.kind === 'Service' ? 'services' : 'endpointslices';
  const base = o.kind === 'Service' ? '/api/v1' : '/apis/discovery.k8s.io/v1';
  return kube.request('POST', `${base}/namespaces/${NS}/${kind}`, o);
};

async function inBatches<T>(items: T[], width: number, fn: (x: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

const ipSeen = new Map<string, { ip: string; at: number }>();
const services = new Informer(kube, { apiVersion: 'v1', kind: 'Service', namespace: NS }, silentLogger());
services.on((type, obj) => {
  const name = obj.metadata?.name ?? '';
  const ip = ((obj['status'] as { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined)?.loadBalancer?.ingress ?? [])[0]?.ip;
  if (type !== 'DELETED' && ip && !ipSeen.has(name)) ipSeen.set(name, { ip, at: performance.now() });
});
const mon = new RouteMonitor(state.router!.ns);
const full = (nh: string[] | undefined): boolean => (nh?.length ?? 0) === nodes.length;

try {
  await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  await kube.apply({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: POOL, namespace: 'metallb-system' }, spec: { addresses: ['10.240.0.0/20'], autoAssign: false } });
  services.start();
  await services.synced;
  await mon.ready;
  await sleep(2000);

  // 1. One by one: each Service's route must be at the router before the next is created.
  say(`${ONE_BY_ONE} Services one by one`);
  const one: { created: number; ip: number; firstRoute: number; ecmp: number; name: string; prefix: string }[] = [];
  for (let i = 0; i < ONE_BY_ONE; i++) {
    const name = `one-${i}`;
    await create(slice(name));
    await sleep(150); // the speakers see the endpoints first, as they would see a ready pod
    const created = performance.now();
    let prefix = '';
    let firstRoute = 0;
    const ecmp = mon.waitFor((e) => {
      const ip = ipSeen.get(name)?.ip;
      if (!ip || e.prefix !== `${ip}/32` || e.deleted) return false;
      prefix = e.prefix;
      firstRoute ||= e.at;
      return full(e.nexthops);
    }, 60_000, `${name}'s route`);
    await create(service(name));
    const at = await ecmp;
    one.push({ name, prefix, created, ip: ipSeen.get(name)!.at, firstRoute, ecmp: at });
  }
  const syncs = nodes.map((n) => syncLines(n.name, epoch(one[0]!.created)));
  const breakdown = one.map((o) => {
    // Each speaker's first FRR change after this Service got its IP is the one that announced it.
    const per = syncs.map((list) => list.find((x) => x.doneAt >= epoch(o.ip))).filter((x): x is SyncLine => !!x);
    const first = per.sort((a, b) => a.applyDoneAt - b.applyDoneAt)[0];
    return {
      controllerMs: o.ip - o.created,
      speakerWaitMs: first ? first.startedAt - epoch(o.ip) : NaN,
      planMs: first?.planMs ?? NaN,
      frrReadMs: first?.readMs ?? NaN,
      frrCheckMs: first?.checkMs ?? NaN,
      frrApplyMs: first?.applyMs ?? NaN,
      frrVerifyMs: first?.verifyMs ?? NaN,
      bgpToRouterMs: first ? epoch(o.firstRoute) - first.applyDoneAt : NaN,
    };
  });
  const med = (k: keyof (typeof breakdown)[number]): number => round(median(breakdown.map((b) => b[k]).filter((x) => !Number.isNaN(x))));
  const firstMs = one.map((o) => o.firstRoute - o.created);
  const ecmpMs = one.map((o) => o.ecmp - o.created);

  // 2. At once: endpoints first, then every Service in one go.
  say(`${AT_ONCE} Services at once`);
  const names = Array.from({ length: AT_ONCE }, (_, i) => `burst-${i}`);
  await inBatches(names, 16, (n) => create(slice(n)));
  await sleep(3000);
  const t0 = performance.now();
  const allRouted = new Promise<{ first: number; ecmp: number }>((resolve, reject) => {
    let first = 0;
    const timer = setTimeout(() => reject(new Error('not all routes at the router after 600 s')), 600_000);
    const check = (): void => {
      const prefixes = names.map((n) => ipSeen.get(n)?.ip).map((ip) => (ip ? mon.routes.get(`${ip}/32`) : undefined));
      if (!first && prefixes.every((nh) => nh !== undefined)) first = performance.now();
      if (prefixes.every(full)) {
        clearTimeout(timer);
        off();
        resolve({ first, ecmp: performance.now() });
      }
    };
    const off = mon.on(() => check());
  });
  await inBatches(names, 32, (n) => create(service(n)));
  const createdAll = performance.now();
  const routed = await allRouted;
  const ipsAll = Math.max(...names.map((n) => ipSeen.get(n)!.at));
  const burstSyncs = nodes.map((n) => syncLines(n.name, epoch(t0)));

  process.stdout.write(`${JSON.stringify({
    nodes: nodes.length,
    oneByOne: {
      services: ONE_BY_ONE,
      creationToRouteMs: { p50: round(percentile(firstMs, 50)), p95: round(percentile(firstMs, 95)), max: round(Math.max(...firstMs)) },
      creationToEcmpMs: { p50: round(percentile(ecmpMs, 50)), p95: round(percentile(ecmpMs, 95)), max: round(Math.max(...ecmpMs)) },
      breakdownMedianMs: { controller: med('controllerMs'), speakerWait: med('speakerWaitMs'), plan: med('planMs'), frrRead: med('frrReadMs'), frrCheck: med('frrCheckMs'), frrApply: med('frrApplyMs'), frrVerify: med('frrVerifyMs'), bgpToRouter: med('bgpToRouterMs') },
      targets: { p50: 300, p95: 1000 },
    },
    atOnce: {
      services: AT_ONCE,
      createAllMs: round(createdAll - t0),
      allIPsMs: round(ipsAll - t0),
      allRoutesMs: round(routed.first - t0),
      allRoutesEcmpMs: round(routed.ecmp - t0),
      frrChangesPerNode: burstSyncs.map((l) => l.length),
      frrApplyMedianMs: round(median(burstSyncs.flat().map((x) => x.readMs + x.checkMs + x.applyMs + x.verifyMs))),
    },
  })}\n`);
} finally {
  services.stop();
  mon.stop();
  if (owned) await labDown(say);
  else {
    await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: NS });
    await kube.delete({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', name: POOL, namespace: 'metallb-system' });
  }
}
process.exit(0);
