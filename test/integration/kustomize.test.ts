// `kubectl apply -k config/default` installs the operator on a plain cluster: the namespace, the
// CRDs, the operator's ServiceAccount, Role and ClusterRole with their bindings, and its
// Deployment, whose ReplicaSet creates the pod (no kubelet runs it here). The openshift overlay
// builds and adds its labels and annotation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { getTestCluster } from '../helpers/controlplane.js';
import type { ControlPlane } from '../helpers/controlplane.js';
import { Kube } from '../../src/k8s/client.js';
import type { Obj } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { parseObjects } from '../../src/api/yaml.js';
import { repoRoot } from '../../src/util/repo-root.js';
import { poll } from '../helpers/poll.js';

const NS = 'metallb-system';
const DEP = 'metallb-operator-controller-manager';
let cp: ControlPlane;
let admin: Kube;

before(async () => {
  cp = await getTestCluster();
  admin = new Kube(loadKubeConfig(cp.kubeconfigPath), 'test-admin');
});

after(async () => {
  // Not the namespace nor the CRDs: the other test files of the run use them.
  await cp.kubectl(['delete', '-n', NS, 'deployment', DEP, '--ignore-not-found']);
  await cp.kubectl(['delete', '-n', NS, 'serviceaccount', DEP, '--ignore-not-found']);
  await cp.kubectl(['delete', '-n', NS, 'role,rolebinding', 'metallb-operator-manager', '--ignore-not-found']);
  await cp.kubectl(['delete', 'clusterrole,clusterrolebinding', 'metallb-operator-manager', '--ignore-not-found']);
});

test('kubectl apply -k config/default installs the operator', async () => {
  const r = await cp.kubectl(['apply', '-k', join(repoRoot(), 'config/default')]);
  assert.equal(r.code, 0, r.stderr);
  for (const line of [
    'namespace/metallb-system', 'customresourcedefinition.apiextensions.k8s.io/metallbs.metallb.io', 'customresourcedefinition.apiextensions.k8s.io/bgppeers.metallb.io',
    `serviceaccount/${DEP}`, 'role.rbac.authorization.k8s.io/metallb-operator-manager', 'clusterrole.rbac.authorization.k8s.io/metallb-operator-manager',
    'rolebinding.rbac.authorization.k8s.io/metallb-operator-manager', 'clusterrolebinding.rbac.authorization.k8s.io/metallb-operator-manager', `deployment.apps/${DEP}`,
  ]) assert.match(r.stdout, new RegExp(`^${line.replace(/\./g, '\\.')} (created|configured|unchanged)$`, 'm'));
  const pods = await poll('the operator pod', async () => {
    const list = await admin.list<Obj>('v1', 'Pod', NS, 'control-plane=controller-manager');
    return list.length > 0 ? list : undefined;
  });
  const spec = pods[0]!['spec'] as { serviceAccountName: string; containers: { command: string[]; env: { name: string }[] }[] };
  assert.equal(spec.serviceAccountName, DEP);
  assert.deepEqual(spec.containers[0]!.command, ['metallb', 'operator']);
  assert.deepEqual(spec.containers[0]!.env.map((e) => e.name), ['OPERATOR_NAMESPACE', 'CONTROLLER_IMAGE', 'SPEAKER_IMAGE', 'FRR_IMAGE']);
  const ns = await admin.get<Obj>({ apiVersion: 'v1', kind: 'Namespace', name: NS });
  assert.equal(ns?.metadata?.labels?.['pod-security.kubernetes.io/enforce'], 'privileged');
  const can = await cp.kubectl(['auth', 'can-i', 'watch', 'metallbs.metallb.io', '-A', `--as=system:serviceaccount:${NS}:${DEP}`]);
  assert.equal(can.stdout.trim(), 'yes');
});

test('the openshift overlay keeps the privileged Pod Security labels and pins the operator to restricted-v2', async () => {
  const r = await cp.kubectl(['kustomize', join(repoRoot(), 'config/openshift')]);
  assert.equal(r.code, 0, r.stderr);
  const objs = parseObjects(r.stdout);
  const ns = objs.find((o) => o.kind === 'Namespace')!;
  assert.equal(ns.metadata?.['labels'] && (ns.metadata['labels'])['security.openshift.io/scc.podSecurityLabelSync'], 'false');
  const dep = objs.find((o) => o.kind === 'Deployment')!;
  assert.equal((dep['spec'] as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations['openshift.io/required-scc'], 'restricted-v2');
  const dry = await cp.kubectl(['apply', '-k', join(repoRoot(), 'config/openshift'), '--dry-run=server']);
  assert.equal(dry.code, 0, dry.stderr);
});
