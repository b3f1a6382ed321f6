// Controller end to end on the real control plane (make controlplane): 2,000 LoadBalancer
// Services waiting for a pool; the pool appears and every one needs an IP at once (throughput,
// p50/p99 latency from the pool's creation to each IP seen by a watcher), then the controller's
// RSS with 10,000 Services. The controller runs in
// its own process (`metallb controller`), as in a cluster, so its RSS is its own. Prints JSON.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { startControlPlane } from '../test/helpers/controlplane.js';
import { sleep } from '../src/lab/procs.js';
import { Kube } from '../src/k8s/client.js';
import type { Obj } from '../src/k8s/client.js';
import { loadKubeConfig } from '../src/k8s/kubeconfig.js';
import { Informer } from '../src/k8s/informer.js';
import { silentLogger } from '../src/util/log.js';
import { repoRoot } from '../src/util/repo-root.js';
import { median, percentile, round } from './stats.js';
import { inBatches, procMemMB } from './proc.js';

const FIRST = Number(process.env['SERVICES'] ?? 2000);
const TOTAL = Number(process.env['RSS_SERVICES'] ?? 10_000);
const NS = 'metallb-system';

const service = (i: number): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${i}`, namespace: 'bench' }, spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, selector: { app: `a${i}` }, ports: [{ port: 80, protocol: 'TCP' }] } });

const cp = await startControlPlane({ withControllerManager: false });
await cp.installCRDs();
const child = spawn(process.execPath, [`${repoRoot()}/dist/src/cli.js`, 'controller', '--kubeconfig', cp.kubeconfigPath, '--namespace', NS, '--metrics-address', 'off', '--log-level', 'error'], { stdio: 'inherit' });
try {
  await cp.kubectl(['create', 'namespace', NS]);
  await cp.kubectl(['create', 'namespace', 'bench']);
  const admin = new Kube(loadKubeConfig(cp.kubeconfigPath), 'bench');
  await sleep(3000); // leader election

  // The Services exist first (no pool yet: each waits with AllocationFailed); then the pool appears
  // and every one of them needs an IP at once. This measures the controller, not how fast this
  // client can create Services.
  const latency: number[] = [];
  let start = 0;
  const done = new Set<string>();
  const watcher = new Informer(admin, { apiVersion: 'v1', kind: 'Service', namespace: 'bench' }, silentLogger());
  watcher.on((_t, s) => {
    const name = s.metadata?.name ?? '';
    const ingress = (s['status'] as { loadBalancer?: { ingress?: unknown[] } } | undefined)?.loadBalancer?.ingress ?? [];
    if (start > 0 && latency.length < FIRST && ingress.length > 0 && !done.has(name)) {
      done.add(name);
      latency.push(performance.now() - start);
    }
  });
  watcher.start();
  await watcher.synced;
  const c0 = performance.now();
  await inBatches(0, FIRST, (i) => admin.apply(service(i)));
  const createdAllMs = performance.now() - c0;
  await sleep(2000);
  start = performance.now();
  await admin.apply({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'bench', namespace: NS }, spec: { addresses: ['10.64.0.0/16'] } });
  const deadline = Date.now() + 300_000;
  while (latency.length < FIRST && Date.now() < deadline) await sleep(50);
  const allMs = performance.now() - start;
  const assigned = latency.length;

  await inBatches(FIRST, TOTAL, (i) => admin.apply(service(i)));
  const deadline2 = Date.now() + 600_000;
  while (watcher.list().filter((s) => ((s['status'] as { loadBalancer?: { ingress?: unknown[] } } | undefined)?.loadBalancer?.ingress ?? []).length > 0).length < TOTAL && Date.now() < deadline2) await sleep(500);
  await sleep(3000);
  const rss = procMemMB(child.pid!);
  watcher.stop();
  process.stdout.write(`${JSON.stringify({
    benchmark: 'controller',
    services: FIRST,
    assigned,
    createBeforePoolMs: Math.round(createdAllMs),
    poolToAllAssignedMs: Math.round(allMs),
    servicesPerSecond: round((assigned / allMs) * 1000),
    latencyMs: { p50: round(median(latency)), p99: round(percentile(latency, 99)) },
    targets: { servicesPerSecond: 100, rssMB: 250 },
    rssWithServices: { services: watcher.list().length, withIP: watcher.list().filter((s) => ((s['status'] as { loadBalancer?: { ingress?: unknown[] } } | undefined)?.loadBalancer?.ingress ?? []).length > 0).length, rssMB: round(rss) },
  })}\n`);
} finally {
  child.kill('SIGTERM');
  await cp.stop();
}
