// The operator against a real control plane with the real kube-controller-manager (DaemonSet
// controller, garbage collector): scheduling follows the CR, edits converge, drift is reverted,
// an idle operator writes nothing, the singleton rule is explained, deletion cleans up, and an
// apiserver restart neither kills the operator nor makes it re-apply.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getTestCluster } from '../helpers/controlplane.js';
import type { ControlPlane } from '../helpers/controlplane.js';
import { sleep } from '../../src/lab/procs.js';
import { Kube } from '../../src/k8s/client.js';
import type { Obj } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { silentLogger } from '../../src/util/log.js';
import { runOperator } from '../../src/operator/run.js';
import type { MetalLBOperator } from '../../src/operator/run.js';
import { operatorRender } from '../../src/operator/render-setup.js';
import { poll } from '../helpers/poll.js';

// A namespace of its own: the API tests apply the seed CRs into metallb-system with kubectl.
const NS = 'metallb-op';
let cp: ControlPlane;
let admin: Kube;
let op: MetalLBOperator;
let opKube: Kube;


const metallb = (spec: Record<string, unknown>, name = 'metallb', namespace = NS): Obj => ({ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', metadata: { name, namespace }, spec });
const ds = (): Promise<Obj | undefined> => admin.get<Obj>({ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'speaker', namespace: NS });
const conditions = async (name: string, ns: string): Promise<{ type: string; status: string; message: string }[]> =>
  ((await admin.get<Obj>({ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', name, namespace: ns }))?.['status'] as { conditions?: [] } | undefined)?.conditions ?? [];

/**
 * Waits until the DaemonSet controller, having seen the DaemonSet's current generation, schedules
 * `expected` speakers; returns what it last reported (so a wrong count fails with the number).
 */
async function desiredScheduled(expected: number, timeoutMs = 20_000): Promise<number | undefined> {
  let last: number | undefined;
  try {
    await poll(`desiredNumberScheduled = ${expected}`, async () => {
      const d = await ds();
      const st = d?.['status'] as { observedGeneration?: number; desiredNumberScheduled?: number } | undefined;
      if (d && st?.observedGeneration === d.metadata?.generation) last = st?.desiredNumberScheduled;
      return last === expected ? true : undefined;
    }, timeoutMs);
  } catch {
    /* fall through: the caller's assertion reports the count */
  }
  return last;
}

const node = (name: string, labels: Record<string, string>, taints: { key: string; effect: string; value?: string }[] = []): Obj =>
  ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/os': 'linux', ...labels } }, spec: { taints } });

before(async () => {
  cp = await getTestCluster();
  admin = new Kube(loadKubeConfig(cp.kubeconfigPath), 'test-admin');
  await cp.kubectl(['create', 'namespace', NS]);
  for (const n of [
    node('op-worker-1', { 'node-role.kubernetes.io/worker': '' }),
    node('op-worker-2', { 'node-role.kubernetes.io/worker': '' }, [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }]),
    node('op-master-1', { 'node-role.kubernetes.io/control-plane': '' }, [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]),
    node('op-worker-3', { 'node-role.kubernetes.io/worker': '' }),
  ]) await admin.apply(n);
  opKube = new Kube(loadKubeConfig(cp.kubeconfigPath), 'metallb-operator');
  op = await runOperator({ kube: opKube, log: silentLogger(), namespace: NS, render: operatorRender(), openshift: false });
});

after(async () => {
  op?.stop();
  for (const n of ['op-worker-1', 'op-worker-2', 'op-master-1', 'op-worker-3']) await admin.delete({ apiVersion: 'v1', kind: 'Node', name: n });
});

test('on a plain Kubernetes (no SCC API), discovery says "not OpenShift" without failing', async () => {
  const { isOpenShift } = await import('../../src/k8s/discovery.js');
  assert.equal(await isOpenShift(admin), false);
});

test('seed 002 CR: speakers are scheduled on the untainted workers only', async () => {
  await admin.apply(metallb({ nodeSelector: { 'node-role.kubernetes.io/worker': '' } }));
  assert.equal(await desiredScheduled(2), 2);
  const dep = await poll('controller Deployment', () => admin.get<Obj>({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'controller', namespace: NS }));
  const pod = (dep['spec'] as { template: { spec: Record<string, unknown> } }).template.spec;
  assert.equal((pod['securityContext'] as Record<string, unknown>)['runAsUser'], undefined, 'no fixed runAsUser (seed 000)');
  const conds = await poll('conditions', async () => ((await conditions('metallb', NS)).length === 4 ? conditions('metallb', NS) : undefined));
  assert.deepEqual(conds.map((c) => c.type).sort(), ['Available', 'Degraded', 'Progressing', 'Upgradeable']);
  assert.equal(conds.find((c) => c.type === 'Degraded')?.status, 'False');
});

test('editing tolerations and nodeSelector changes where speakers run', async () => {
  await admin.apply(metallb({ nodeSelector: { 'node-role.kubernetes.io/worker': '' }, speakerTolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }] }));
  assert.equal(await desiredScheduled(3), 3);
  await admin.apply(metallb({ speakerTolerations: [{ key: 'dedicated', operator: 'Exists' }, { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] }));
  assert.equal(await desiredScheduled(4), 4);
});

test('an unchanged CR causes zero writes, and a manual edit is reverted', async () => {
  await op.reconciler.queue.idle();
  await sleep(1500);
  const before = opKube.totalWrites;
  await sleep(3000);
  assert.equal(opKube.totalWrites, before, 'idle operator wrote to the apiserver');
  const gen = (await ds())!.metadata!.generation!;
  await cp.kubectl(['-n', NS, 'patch', 'daemonset', 'speaker', '--type=merge', '-p', '{"spec":{"template":{"spec":{"nodeSelector":{"edited":"by-hand"}}}}}']);
  await poll('the edit to be reverted', async () => {
    const d = await ds();
    const sel = (d?.['spec'] as { template: { spec: { nodeSelector?: Record<string, string> } } }).template.spec.nodeSelector ?? {};
    return d!.metadata!.generation! > gen + 1 && sel['edited'] === undefined ? true : undefined;
  });
});

test('upstream fields are kept and answered: bgpBackend/frrk8sConfig → Degraded (FRR still deployed), speakerGratuitousARPInterval → the speaker flag, image → a note', async () => {
  const seed = { nodeSelector: { 'node-role.kubernetes.io/worker': '' } };
  await admin.apply(metallb({ ...seed, bgpBackend: 'native', frrk8sConfig: { alwaysBlock: ['192.168.1.0/24'] }, speakerGratuitousARPInterval: '30s' }));
  const degraded = await poll('Degraded UnsupportedBGPBackend', async () => {
    const c = (await conditions('metallb', NS)).find((x) => x.type === 'Degraded') as { status: string; reason?: string; message: string } | undefined;
    return c?.reason === 'UnsupportedBGPBackend' ? c : undefined;
  });
  assert.equal(degraded.status, 'True');
  assert.match(degraded.message, /bgpBackend "native" is not supported: this operator runs FRR .*; frrk8sConfig has no effect/);
  const cr = await admin.get<Obj>({ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', name: 'metallb', namespace: NS });
  assert.deepEqual((cr?.['spec'] as Record<string, unknown>)['frrk8sConfig'], { alwaysBlock: ['192.168.1.0/24'] }, 'kept, not pruned');
  const args = await poll('the speaker flag', async () => {
    const c = ((await ds())?.['spec'] as { template: { spec: { containers: { name: string; args?: string[] }[] } } }).template.spec.containers.find((x) => x.name === 'speaker');
    return c?.args?.includes('--l2-gratuitous-interval=30s') ? c.args : undefined;
  });
  assert.ok(args.includes('--vty-socket=/var/run/frr'), 'still the FRR speaker');
  // the apiserver refuses an interval under 1s, and a backend it does not know
  for (const [spec, msg] of [[{ speakerGratuitousARPInterval: '500ms' }, /speakerGratuitousARPInterval must be 0s or at least 1s/], [{ bgpBackend: 'gobgp' }, /Unsupported value: "gobgp"/]] as const) {
    const r = await cp.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=op-test-bad', '-f', '-'], JSON.stringify(metallb({ ...seed, ...spec })));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, msg);
  }
  await admin.apply(metallb({ ...seed, bgpBackend: 'frr', image: 'quay.io/metallb/speaker:v0.14.8' }));
  const ok = await poll('Degraded False with the image note', async () => {
    const c = (await conditions('metallb', NS)).find((x) => x.type === 'Degraded');
    return c?.status === 'False' && /spec\.image has no effect/.test(c.message) ? c : undefined;
  });
  assert.ok(ok);
  await admin.apply(metallb(seed));
  await poll('back to no flag', async () => (((await ds())?.['spec'] as { template: { spec: { containers: { name: string; args?: string[] }[] } } }).template.spec.containers.find((x) => x.name === 'speaker')?.args?.some((a) => a.startsWith('--l2-gratuitous')) ? undefined : true));
});

test('metallb-excludel2 is created with the default list and then left to the user', async () => {
  const get = (): Promise<Obj | undefined> => admin.get<Obj>({ apiVersion: 'v1', kind: 'ConfigMap', name: 'metallb-excludel2', namespace: NS });
  const cm = await poll('the ConfigMap', get);
  const text = (cm['data'] as Record<string, string>)['excludel2.yaml'] ?? '';
  assert.match(text, /announcedInterfacesToExclude:\n {2}- \^docker\.\*\n/);
  assert.match(text, /- \^br-int\$\n/);
  await cp.kubectl(['-n', NS, 'patch', 'configmap', 'metallb-excludel2', '--type=merge', '-p', JSON.stringify({ data: { 'excludel2.yaml': 'announcedInterfacesToExclude: ["^eth9$"]\n' } })]);
  // a change of the CR makes the operator reconcile everything again
  await admin.apply(metallb({ nodeSelector: { 'node-role.kubernetes.io/worker': '' }, logLevel: 'debug' }));
  await poll('the DaemonSet at the new log level', async () => (JSON.stringify((await ds())?.['spec']).includes('--log-level=debug') ? true : undefined));
  await op.reconciler.queue.idle();
  assert.equal(((await get())?.['data'] as Record<string, string>)['excludel2.yaml'], 'announcedInterfacesToExclude: ["^eth9$"]\n', 'the user\'s edit stays');
  await admin.apply(metallb({ nodeSelector: { 'node-role.kubernetes.io/worker': '' } }));
});

test('a MetalLB with another name, or in another namespace, is Degraded with what to change', async () => {
  await admin.apply(metallb({}, 'my-metallb'));
  const c1 = await poll('Degraded on my-metallb', async () => (await conditions('my-metallb', NS)).find((c) => c.type === 'Degraded'));
  assert.equal(c1.status, 'True');
  assert.match(c1.message, /rename it from "my-metallb" to "metallb"/);
  await cp.kubectl(['create', 'namespace', 'elsewhere']);
  await admin.apply(metallb({}, 'metallb', 'elsewhere'));
  const c2 = await poll('Degraded in elsewhere', async () => (await conditions('metallb', 'elsewhere')).find((c) => c.type === 'Degraded'));
  assert.match(c2.message, new RegExp(`create it in namespace "${NS}" instead of "elsewhere"`));
  assert.equal((await admin.list('apps/v1', 'DaemonSet', 'elsewhere')).length, 0);
});

test('restarting the apiserver does not kill the operator, and it does not re-apply', async (t) => {
  await op.reconciler.queue.idle();
  // Objects only: a status write is allowed when a condition really changed (the workloads' own
  // status moves while kube-controller-manager reconnects; seen once in about ten runs).
  const objectWrites = (): number => opKube.writes.apply + opKube.writes.patch + opKube.writes.create + opKube.writes.delete;
  const [objects, statuses] = [objectWrites(), opKube.writes.status];
  await cp.restartApiServer(1000);
  await sleep(3000);
  t.diagnostic(`status writes during the restart: ${opKube.writes.status - statuses}`);
  assert.equal(objectWrites(), objects, 'the operator re-applied after the restart');
  // still reconciling: a change after the restart reaches the DaemonSet (the operator's part) ...
  await admin.apply(metallb({ nodeSelector: { 'node-role.kubernetes.io/worker': '' } }));
  await poll('the new nodeSelector in the DaemonSet', async () => {
    const sel = ((await ds())?.['spec'] as { template: { spec: { nodeSelector?: Record<string, string> } } } | undefined)?.template.spec.nodeSelector ?? {};
    return sel['node-role.kubernetes.io/worker'] === '' ? true : undefined;
  }, 20_000);
  // ... and is scheduled. The DaemonSet controller's own watches back off while the apiserver
  // restarts (client-go: 0.8 s doubling to 30 s), so it can take it ~20 s to notice (measured in a
  // full test run: the operator applied 0.6 s after the change, the DaemonSet status 19.5 s later).
  assert.equal(await desiredScheduled(2, 60_000), 2);
});

test('deleting the CR removes everything the operator created', async () => {
  await admin.delete({ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', name: 'metallb', namespace: NS });
  await poll('the CR to be gone (finalizer removed)', async () => ((await admin.get({ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', name: 'metallb', namespace: NS })) ? undefined : true));
  await poll('namespaced objects garbage-collected', async () => ((await ds()) === undefined ? true : undefined));
  // Without the webhook and off OpenShift it has no cluster-scoped object at all: it never creates RBAC there (ADR 0014).
  for (const kind of ['ClusterRole', 'ClusterRoleBinding']) assert.deepEqual(await admin.list('rbac.authorization.k8s.io/v1', kind, undefined, 'app.kubernetes.io/managed-by=metallb-operator'), [], kind);
  for (const kind of ['ServiceAccount', 'ConfigMap']) {
    const left = await admin.list('v1', kind, NS, 'app.kubernetes.io/managed-by=metallb-operator');
    await poll(`${kind}s garbage-collected`, async () => ((await admin.list('v1', kind, NS, 'app.kubernetes.io/managed-by=metallb-operator')).length === 0 ? true : undefined));
    assert.ok(left.length >= 0);
  }
});
