// Leadership changes against a real apiserver (issue 18.3): a replica cut off by a real TCP
// partition, then handed the lease back, rebuilds its allocator instead of trusting what it
// remembered; lease expiry is timed by the candidate's own clock, so a live holder whose clock is
// a minute behind keeps its lease; a Service that is no longer a LoadBalancer of ours loses the
// pool annotation (the mark of our assignment) whichever step a crash interrupted.
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
import type { Obj } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { LeaderElector } from '../../src/k8s/lease.js';
import { silentLogger } from '../../src/util/log.js';
import { sleep } from '../../src/lab/procs.js';
import { runController } from '../../src/controller/run.js';
import type { ControllerHandle } from '../../src/controller/run.js';

const NS = 'metallb-lead';
const APPS = 'lead-apps';
const POOL_ANNOTATION = 'metallb.io/ip-allocated-from-pool';
let cp: ControlPlane;
let admin: Kube;
let proxy: TcpProxy;
let dir: string;
const running: ControllerHandle[] = [];

const start = async (identity: string, kubeconfig: string): Promise<ControllerHandle> => {
  const h = await runController({ kube: new Kube(loadKubeConfig(kubeconfig), 'metallb-controller'), log: silentLogger(), namespace: NS, identity, leaseDurationSeconds: 3, renewMs: 300 });
  running.push(h);
  return h;
};
const stop = async (h: ControllerHandle): Promise<void> => {
  await h.stop();
  running.splice(running.indexOf(h), 1);
};
const service = (name: string, pool: string): Obj =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: APPS, annotations: { 'metallb.io/address-pool': pool } }, spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] } });
const svcState = async (name: string): Promise<{ ips: string[]; pool: string | undefined } | undefined> => {
  const s = await admin.get<Obj>({ apiVersion: 'v1', kind: 'Service', name, namespace: APPS });
  if (!s) return undefined;
  const ips = ((s['status'] as { loadBalancer?: { ingress?: { ip: string }[] } } | undefined)?.loadBalancer?.ingress ?? []).map((i) => i.ip);
  return { ips, pool: s.metadata?.annotations?.[POOL_ANNOTATION] };
};
const ipsOf = (name: string, n = 1): Promise<string[]> => poll(`${n} IP(s) for ${name}`, async () => {
  const st = await svcState(name);
  return st && st.ips.length === n ? st.ips : undefined;
}, 30_000, 100);

before(async () => {
  cp = await getTestCluster();
  admin = new Kube(loadKubeConfig(cp.kubeconfigPath), 'test-admin');
  await cp.kubectl(['create', 'namespace', NS]);
  await cp.kubectl(['create', 'namespace', APPS]);
  await admin.apply({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'tiny', namespace: NS }, spec: { addresses: ['10.200.0.0/31'], autoAssign: false } });
  await admin.apply({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'rel', namespace: NS }, spec: { addresses: ['10.201.0.0/31'], autoAssign: false } });
  dir = mkdtempSync(join(tmpdir(), 'lead-'));
  proxy = await proxyKubeconfig(cp.kubeconfigPath, join(dir, 'kubeconfig'));
});

after(async () => {
  for (const h of [...running]) await stop(h);
  await proxy?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a leader partitioned away, then handed the lease back, frees the IPs of Services deleted meanwhile', async (t) => {
  const a = await start('lead-a', proxy.kubeconfigPath);
  await poll('a leads', async () => (a.elector.isLeader ? true : undefined), 15_000, 100);
  const b = await start('lead-b', cp.kubeconfigPath);
  await admin.apply(service('x1', 'tiny'));
  await admin.apply(service('x2', 'tiny'));
  const [ip1] = await ipsOf('x1');
  const [ip2] = await ipsOf('x2');
  proxy.cut();
  const cutAt = Date.now();
  await poll('a steps down', async () => (!a.elector.isLeader ? true : undefined), 15_000, 50);
  const steppedDownMs = Date.now() - cutAt;
  await poll('b takes over', async () => (b.elector.isLeader ? true : undefined), 15_000, 50);
  const takeoverMs = Date.now() - cutAt;
  await admin.delete({ apiVersion: 'v1', kind: 'Service', name: 'x1', namespace: APPS });
  proxy.heal();
  // a's caches catch up while b still leads: what a's queue sees now, it must not act on.
  await poll('a sees x1 gone', async () => (a.caches.get('Service', APPS, 'x1') === undefined ? true : undefined), 30_000, 100);
  await sleep(500);
  await stop(b);
  await poll('a leads again', async () => (a.elector.isLeader ? true : undefined), 15_000, 50);
  await admin.apply(service('x3', 'tiny'));
  const [ip3] = await ipsOf('x3');
  assert.equal(ip3, ip1, "x3 must get the IP x1 freed while a was cut off");
  assert.deepEqual((await svcState('x2'))?.ips, [ip2], 'x2 kept its IP through both handovers');
  t.diagnostic(`partition: stepped down after ${steppedDownMs} ms, the other replica led after ${takeoverMs} ms`);
});

test('lease expiry is timed by our clock: a live holder whose clock is a minute behind keeps its lease', async (t) => {
  const ns = 'metallb-skew';
  await cp.kubectl(['create', 'namespace', ns]);
  const lease = (renewMs: number): Obj => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'skewed', namespace: ns }, spec: { holderIdentity: 'other', leaseDurationSeconds: 3, renewTime: new Date(renewMs).toISOString().replace(/Z$/, '000Z') } });
  let led = 0;
  const elector = new LeaderElector({ kube: new Kube(loadKubeConfig(cp.kubeconfigPath), 'skew-test'), namespace: ns, name: 'skewed', identity: 'us', durationSeconds: 3, renewMs: 300, log: silentLogger(),
    onStartedLeading: () => void led++, onStoppedLeading: () => undefined });
  // The holder renews every 500 ms, stamping times from a clock 60 s behind ours.
  await admin.apply(lease(Date.now() - 60_000));
  elector.start();
  const until = Date.now() + 6000;
  let renewals = 0;
  let stoppedAt = Date.now();
  while (Date.now() < until && renewals < 20) {
    await admin.apply(lease(Date.now() - 60_000));
    stoppedAt = Date.now();
    renewals++;
    await sleep(500);
  }
  assert.equal(led, 0, 'took the lease of a holder that was renewing it');
  await poll('we lead once the holder stops renewing', async () => (led === 1 ? true : undefined), 15_000, 50);
  const waited = Date.now() - stoppedAt;
  await elector.stop();
  assert.ok(waited >= 3000, `took over ${waited} ms after the last renewal, before the lease duration`);
  t.diagnostic(`skewed holder: ${renewals} renewals kept it; taken over ${waited} ms after the last one`);
});

test('a Service that is no longer a LoadBalancer loses status and annotation; a crash left-over is scrubbed by the next leader', async () => {
  const leader = running.find((h) => h.elector.isLeader)!;
  await admin.apply(service('rel-1', 'rel'));
  const [ip] = await ipsOf('rel-1');
  await admin.mergePatch({ apiVersion: 'v1', kind: 'Service', name: 'rel-1', namespace: APPS }, { spec: { type: 'ClusterIP' } });
  await poll('rel-1 scrubbed', async () => {
    const st = await svcState('rel-1');
    return st && st.ips.length === 0 && st.pool === undefined ? true : undefined;
  }, 30_000, 100);
  // What a crash between the two writes of a release leaves (the status is gone, the mark stays):
  // no controller runs while it happens, and the next leader must finish the release.
  await stop(leader);
  await admin.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'rel-2', namespace: APPS, annotations: { [POOL_ANNOTATION]: 'rel' } }, spec: { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }] } });
  await start('lead-c', cp.kubeconfigPath);
  await poll('rel-2 scrubbed by the new leader', async () => ((await svcState('rel-2'))?.pool === undefined ? true : undefined), 30_000, 100);
  await admin.apply(service('rel-3', 'rel'));
  assert.equal((await ipsOf('rel-3'))[0], ip, 'the freed IP is handed out again');
});
