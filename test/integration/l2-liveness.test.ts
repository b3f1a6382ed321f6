// Layer 2 liveness when a speaker's Lease watch stalls while its own renewals succeed (issue
// 18.4): real apiserver, the watch carried by a TCP proxy whose connection is stalled (half-open,
// as a broken NAT or conntrack entry leaves it). Before, the stalled speaker saw every peer expire
// after one lease duration and claimed every IP; it noticed only when the watch timed out, 5-8
// minutes later. Now its live set freezes and the watch is restarted within a lease duration.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTestCluster } from '../helpers/controlplane.js';
import type { ControlPlane } from '../helpers/controlplane.js';
import { proxyKubeconfig } from '../helpers/tcp-proxy.js';
import type { TcpProxy } from '../helpers/tcp-proxy.js';
import { poll } from '../helpers/poll.js';
import { Kube } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { silentLogger } from '../../src/util/log.js';
import { sleep } from '../../src/lab/procs.js';
import { LeaseTracker } from '../../src/speaker/l2/lease-tracker.js';

const NS = 'metallb-l2-live';
let cp: ControlPlane;
let proxy: TcpProxy;
let link: TcpProxy;
let dir: string;
const trackers: LeaseTracker[] = [];

const tracker = (node: string, watchKubeconfig?: string, kubeconfig = cp.kubeconfigPath): LeaseTracker => {
  const kube = new Kube(loadKubeConfig(kubeconfig), `speaker-${node}`);
  const t = new LeaseTracker({ kube, namespace: NS, node, log: silentLogger(), durationSeconds: 3, renewMs: 1000, onChange: () => undefined,
    ...(watchKubeconfig ? { watchKube: new Kube(loadKubeConfig(watchKubeconfig), `speaker-${node}-watch`) } : {}) });
  trackers.push(t);
  return t;
};
const view = (t: LeaseTracker): string => [...t.live()].sort().join(',');

before(async () => {
  cp = await getTestCluster();
  await cp.kubectl(['create', 'namespace', NS]);
  dir = mkdtempSync(join(tmpdir(), 'l2-live-'));
  proxy = await proxyKubeconfig(cp.kubeconfigPath, join(dir, 'kubeconfig'));
  link = await proxyKubeconfig(cp.kubeconfigPath, join(dir, 'kubeconfig-b'));
});

after(async () => {
  link?.heal();
  for (const t of trackers) await t.stop();
  await proxy?.close();
  await link?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a stalled Lease watch freezes the live set (no split brain) and is restarted within a lease duration', async (t) => {
  const a = tracker('node-a', proxy.kubeconfigPath);
  const b = tracker('node-b', undefined, link.kubeconfigPath);
  await Promise.all([a.start(), b.start()]);
  await poll('both see both', async () => (view(a) === 'node-a,node-b' && view(b) === 'node-a,node-b' ? true : undefined), 15_000, 50);
  const stalled = proxy.stallOpen();
  assert.ok(stalled >= 1, 'the watch connection was open');
  const t0 = Date.now();
  const views = new Map<string, number>();
  let recoveredAt: number | undefined;
  // 12 s (four lease durations) sampled every 100 ms: node-a must never see node-b gone.
  for (let i = 0; i < 120 && Date.now() - t0 < 15_000; i++) {
    const v = view(a);
    views.set(v, (views.get(v) ?? 0) + 1);
    if (recoveredAt === undefined && a.stats.stalls > 0 && !a.frozen()) recoveredAt = Date.now() - t0;
    await sleep(100);
  }
  t.diagnostic(`views of node-a over ${Date.now() - t0} ms: ${JSON.stringify(Object.fromEntries(views))}; watch restarted ${a.stats.stalls}x, current again ${recoveredAt} ms after the stall`);
  assert.deepEqual([...views.keys()], ['node-a,node-b'], 'node-a saw node-b dead while node-b was renewing: both would answer');
  assert.ok(a.stats.stalls >= 1, 'the stall was noticed');
  assert.ok(recoveredAt !== undefined && recoveredAt < 8000, `the watch was restarted and current again (${recoveredAt} ms)`);
  // And the recovered watch still sees a real death: node-b's link is cut, so its Lease is no
  // longer renewed and stays (as after a SIGKILL or a lost node).
  link.cut();
  const died = Date.now();
  await poll('node-a sees node-b gone', async () => (view(a) === 'node-a' ? true : undefined), 15_000, 50);
  t.diagnostic(`node-b's loss seen by node-a after ${Date.now() - died} ms`);
});
