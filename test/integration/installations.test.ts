// Two operator installations on one real control plane (issue 18.3): the second one that would
// serve the same Services (same loadBalancerClass) is refused with a condition naming the first,
// deploys no controller or speakers, and does not write onto the first one's MetalLB; with a class
// of its own it deploys; when the first is removed it takes over.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getTestCluster } from '../helpers/controlplane.js';
import type { ControlPlane } from '../helpers/controlplane.js';
import { Kube } from '../../src/k8s/client.js';
import type { Obj } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { silentLogger } from '../../src/util/log.js';
import { runOperator } from '../../src/operator/run.js';
import type { MetalLBOperator } from '../../src/operator/run.js';
import { operatorRender } from '../../src/operator/render-setup.js';
import { poll } from '../helpers/poll.js';

const A = 'metallb-ia';
const B = 'metallb-ib';
let cp: ControlPlane;
let admin: Kube;
const ops: MetalLBOperator[] = [];

const metallb = (namespace: string, spec: Record<string, unknown> = {}): Obj => ({ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', metadata: { name: 'metallb', namespace }, spec });
const degraded = async (ns: string): Promise<{ status: string; reason: string; message: string } | undefined> =>
  (((await admin.get<Obj>({ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', name: 'metallb', namespace: ns }))?.['status'] as { conditions?: { type: string; status: string; reason: string; message: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Degraded');
const workloads = async (ns: string): Promise<string[]> => {
  const out: string[] = [];
  if (await admin.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'controller', namespace: ns })) out.push('Deployment/controller');
  if (await admin.get({ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'speaker', namespace: ns })) out.push('DaemonSet/speaker');
  return out;
};
const reason = (ns: string, want: string): Promise<{ status: string; reason: string; message: string }> =>
  poll(`Degraded reason ${want} in ${ns}`, async () => {
    const d = await degraded(ns);
    return d?.reason === want ? d : undefined;
  }, 30_000);

before(async () => {
  cp = await getTestCluster();
  admin = new Kube(loadKubeConfig(cp.kubeconfigPath), 'test-admin');
  for (const ns of [A, B]) {
    await cp.kubectl(['create', 'namespace', ns]);
    ops.push(await runOperator({ kube: new Kube(loadKubeConfig(cp.kubeconfigPath), `metallb-operator-${ns}`), log: silentLogger(), namespace: ns, render: operatorRender(ns), openshift: false }));
  }
});

after(async () => {
  for (const ns of [A, B]) await cp.kubectl(['delete', 'metallb', '--all', '-n', ns, '--ignore-not-found', '--timeout=60s']);
  for (const op of ops) op.stop();
  for (const ns of [A, B]) await cp.kubectl(['delete', 'namespace', ns, '--wait=false']);
});

test('a second installation for the same Services is refused, deploys nothing, and leaves the first one alone', async () => {
  await admin.apply(metallb(A));
  await poll('the first installation deployed', async () => ((await workloads(A)).length === 2 ? true : undefined), 30_000);
  await admin.apply(metallb(B));
  const d = await reason(B, 'AnotherInstallation');
  assert.equal(d.status, 'True');
  assert.match(d.message, new RegExp(`installation in namespace "${A}" \\(since [0-9TZ:.-]+\\) already serves the default loadBalancerClass.*different spec.loadBalancerClass`));
  assert.deepEqual(await workloads(B), []);
  // The first installation's MetalLB keeps its own operator's conditions (no NotTheSingleton from B's).
  assert.equal((await degraded(A))?.reason, 'AsExpected');
});

test('with a loadBalancerClass of its own it deploys; back on the same class its workloads go', async () => {
  await admin.apply(metallb(B, { loadBalancerClass: 'metallb.io/b' }));
  await poll('B deployed', async () => ((await workloads(B)).length === 2 ? true : undefined), 30_000);
  // The conditions are written after the objects are applied: waited for, not raced.
  await reason(B, 'AsExpected');
  // B is claimed now (metallb.io/serving-since), later than A: going back to A's class, B yields again.
  await admin.apply(metallb(B, { logLevel: 'info' }));
  await reason(B, 'AnotherInstallation');
  await poll('B\'s workloads removed', async () => ((await workloads(B)).length === 0 ? true : undefined), 30_000);
  assert.deepEqual(await workloads(A), ['Deployment/controller', 'DaemonSet/speaker']);
});

test('when the first installation is removed, the waiting one deploys', async () => {
  await cp.kubectl(['delete', 'metallb', 'metallb', '-n', A, '--timeout=60s']);
  await poll('B deployed after A left', async () => ((await workloads(B)).length === 2 ? true : undefined), 30_000);
  await reason(B, 'AsExpected');
});
