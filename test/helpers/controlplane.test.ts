// Smoke test of the test control plane itself: the apiserver answers kubectl with RBAC on, the
// controller manager runs the DaemonSet, Deployment, garbage-collector and EndpointSlice
// controllers, the SCC API installs, and a private plane (with kube-scheduler) binds Pods,
// survives an apiserver restart and leaves no process or file behind when stopped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { getTestCluster, releaseTestCluster, startControlPlane, pinnedVersion } from './controlplane.js';
import type { ControlPlane } from './controlplane.js';
import { poll } from './poll.js';
import { alive } from '../../src/lab/procs.js';

const NS = `cp-smoke-${process.pid}`;
const NODE = `cp-smoke-node-${process.pid}`;
let cp: ControlPlane;

async function must(plane: ControlPlane, args: string[], input?: string): Promise<string> {
  const r = await plane.kubectl(args, input);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}
const apply = (plane: ControlPlane, obj: object): Promise<string> => must(plane, ['apply', '-f', '-'], JSON.stringify(obj));
/** A jsonpath of an object once it is non-empty. */
const field = (plane: ControlPlane, args: string[], path: string): Promise<string> =>
  poll(`${args.join(' ')} ${path}`, async () => {
    const r = await plane.kubectl(['get', ...args, '-o', `jsonpath=${path}`]);
    return r.code === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : undefined;
  });
const gone = (plane: ControlPlane, args: string[]): Promise<true> =>
  poll(`${args.join(' ')} gone`, async () => ((await plane.kubectl(['get', ...args, '-o', 'name', '--ignore-not-found'])).stdout.trim() === '' ? true : undefined));
const labels = { app: 'smoke' };
const podSpec = { containers: [{ name: 'c', image: 'example.invalid/none' }] };

before(async () => {
  cp = await getTestCluster();
  await must(cp, ['create', 'namespace', NS]);
});

after(async () => {
  // the shared plane outlives this file: leave no Node for later tests' DaemonSets to count
  await cp?.kubectl(['delete', 'node', NODE, '--ignore-not-found']);
  await cp?.kubectl(['delete', 'namespace', NS, '--wait=false', '--ignore-not-found']);
  await releaseTestCluster();
});

test('kubectl reaches the apiserver with the token kubeconfig; versions are the pinned ones', async () => {
  assert.match(cp.server, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(await must(cp, ['get', '--raw', '/readyz']), 'ok');
  const v = JSON.parse(await must(cp, ['version', '-o', 'json'])) as { clientVersion: { gitVersion: string }; serverVersion: { gitVersion: string } };
  const want = process.env['METALLB_CONTROLPLANE_BIN'] ? /^v1\.\d+\.\d+/ : new RegExp(`^${pinnedVersion().replace(/\./g, '\\.')}$`);
  assert.match(v.serverVersion.gitVersion, want);
  assert.match(v.clientVersion.gitVersion, want);
});

test('authorization is RBAC: a service account without bindings may not read Secrets', async () => {
  assert.equal(await must(cp, ['auth', 'can-i', 'list', 'secrets', '-n', NS]), 'yes');
  const r = await cp.kubectl(['auth', 'can-i', 'list', 'secrets', '-n', NS, '--as', `system:serviceaccount:${NS}:nobody`]);
  assert.equal(r.stdout.trim(), 'no');
});

test('the DaemonSet controller counts a labelled Node object', async () => {
  await apply(cp, { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE, labels: { 'cp-smoke': NODE } } });
  await apply(cp, {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'smoke', namespace: NS },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { ...podSpec, nodeSelector: { 'cp-smoke': NODE } } } },
  });
  assert.equal(await field(cp, ['ds', 'smoke', '-n', NS], '{.status.desiredNumberScheduled}'), '1');
});

test('Deployment → ReplicaSet → Pod, and the garbage collector removes them with the Deployment', async () => {
  await apply(cp, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'smoke', namespace: NS },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
  });
  const rs = await field(cp, ['rs', '-n', NS, '-l', 'app=smoke'], '{.items[0].metadata.name}');
  await field(cp, ['pods', '-n', NS, '-l', 'app=smoke'], '{.items[0].metadata.name}');
  await must(cp, ['delete', 'deployment', 'smoke', '-n', NS, '--cascade=background']);
  await gone(cp, ['rs', rs, '-n', NS]);
});

test('the EndpointSlice controller writes a slice for a selector Service', async () => {
  await apply(cp, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'smoke', namespace: NS }, spec: { selector: labels, ports: [{ port: 80 }] } });
  const slice = await field(cp, ['endpointslices', '-n', NS, '-l', 'kubernetes.io/service-name=smoke'], '{.items[0].metadata.name}');
  assert.match(slice, /^smoke-/);
});

test('the OpenShift SCC API installs and keeps fields it has no schema for', async () => {
  const crd = 'crd/securitycontextconstraints.security.openshift.io';
  const had = (await cp.kubectl(['get', crd, '-o', 'name'])).code === 0; // with-controlplane --openshift
  await cp.installOpenShiftSCC();
  assert.match(await must(cp, ['api-resources', '--api-group', 'security.openshift.io', '-o', 'name']), /^securitycontextconstraints\.security\.openshift\.io$/m);
  const name = `cp-smoke-${process.pid}`;
  await apply(cp, { apiVersion: 'security.openshift.io/v1', kind: 'SecurityContextConstraints', metadata: { name }, allowPrivilegedContainer: true, runAsUser: { type: 'RunAsAny' } });
  assert.equal(await must(cp, ['get', 'scc', name, '-o', 'jsonpath={.runAsUser.type}']), 'RunAsAny');
  await must(cp, ['delete', 'scc', name]);
  // the shared plane must not stay an "OpenShift" for the tests that run after this one
  if (!had) await must(cp, ['delete', crd, '--wait=true']);
});

test('a private plane with kube-scheduler binds a Pod, survives an apiserver restart, and stops clean', async () => {
  const own = await startControlPlane({ withControllerManager: false, withScheduler: true });
  const pids = own.pids;
  try {
    assert.equal(pids.length, 3, 'etcd, kube-apiserver, kube-scheduler');
    assert.ok(own.token.length > 0 && own.binDir.length > 0 && existsSync(own.kubeconfigPath));
    await must(own, ['create', 'namespace', 'sched']);
    await must(own, ['create', 'serviceaccount', 'default', '-n', 'sched']); // no controller manager to make it
    await apply(own, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    const capacity = { cpu: '4', memory: '8Gi', pods: '10' };
    await must(own, ['patch', 'node', 'n1', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { capacity, allocatable: capacity } })]);
    await apply(own, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'sched' }, spec: podSpec });
    assert.equal(await field(own, ['pod', 'p', '-n', 'sched'], '{.spec.nodeName}'), 'n1');

    await own.restartApiServer();
    assert.equal(await must(own, ['get', '--raw', '/readyz']), 'ok');
    assert.equal(await must(own, ['get', 'pod', 'p', '-n', 'sched', '-o', 'jsonpath={.spec.nodeName}']), 'n1', 'etcd kept the data');
    assert.ok(!pids.every((p) => own.pids.includes(p)), 'the apiserver has a new pid');
  } finally {
    const all = [...new Set([...pids, ...own.pids])];
    await own.stop();
    assert.deepEqual(all.filter(alive), [], 'no process left');
    assert.equal(existsSync(own.dataDir), false, 'data dir removed');
  }
});
