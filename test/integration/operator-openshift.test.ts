// OpenShift mode, detected through discovery once the SCC API exists: the operator creates the
// speakers' SCC and the RBAC to use it, annotates the speaker pods, and leaves the controller pod
// free of any fixed runAsUser (seed 000's failure). The SCC is shared by installations and
// removed with the last one.
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

const NS = 'openshift-metallb';
const NS2 = 'openshift-metallb-second';
let cp: ControlPlane;
let admin: Kube;
let op: MetalLBOperator;
let op2: MetalLBOperator | undefined;


before(async () => {
  cp = await getTestCluster();
  await cp.installOpenShiftSCC();
  admin = new Kube(loadKubeConfig(cp.kubeconfigPath), 'test-admin');
  await cp.kubectl(['create', 'namespace', NS]);
  // no `openshift` override: the operator must find out through discovery
  op = await runOperator({ kube: new Kube(loadKubeConfig(cp.kubeconfigPath), 'metallb-operator'), log: silentLogger(), namespace: NS, render: operatorRender(NS) });
});

after(async () => {
  op?.stop();
  op2?.stop();
  await cp.kubectl(['delete', 'namespace', NS2, '--wait=false', '--ignore-not-found']);
  await admin.delete({ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', name: 'metallb', namespace: NS });
  await sleep(1000);
  await cp.kubectl(['delete', 'crd', 'securitycontextconstraints.security.openshift.io', '--wait=true']);
});

test('seed 002 CR on OpenShift: SCC, RBAC use of it, annotated speakers, controller without runAsUser', async () => {
  await admin.apply({ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', metadata: { name: 'metallb', namespace: NS }, spec: { nodeSelector: { 'node-role.kubernetes.io/worker': '' } } });
  const scc = await poll('the SCC', () => admin.get<Obj>({ apiVersion: 'security.openshift.io/v1', kind: 'SecurityContextConstraints', name: 'metallb-speaker' }));
  assert.equal(scc['allowHostNetwork'], true);
  assert.equal(scc['allowHostPorts'], true);
  assert.equal(scc['allowPrivilegedContainer'], false);
  assert.deepEqual(scc['allowedCapabilities'], ['CHOWN', 'DAC_OVERRIDE', 'KILL', 'NET_ADMIN', 'NET_BIND_SERVICE', 'NET_RAW', 'SETGID', 'SETUID', 'SYS_ADMIN']);

  const role = await poll('the SCC Role', () => admin.get<Obj>({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', name: 'speaker-scc', namespace: NS }));
  assert.deepEqual(JSON.parse(JSON.stringify(role['rules'])), [{ apiGroups: ['security.openshift.io'], resources: ['securitycontextconstraints'], resourceNames: ['metallb-speaker'], verbs: ['use'] }]);
  // RBAC really grants it: ask the apiserver as the speaker ServiceAccount would be asked
  const can = await cp.kubectl(['auth', 'can-i', 'use', 'securitycontextconstraints.security.openshift.io/metallb-speaker', '-n', NS, `--as=system:serviceaccount:${NS}:speaker`]);
  assert.equal(can.stdout.trim(), 'yes', can.stderr);
  const cannot = await cp.kubectl(['auth', 'can-i', 'use', 'securitycontextconstraints.security.openshift.io/privileged', '-n', NS, `--as=system:serviceaccount:${NS}:speaker`]);
  assert.equal(cannot.stdout.trim(), 'no');

  const ds = await poll('the DaemonSet', () => admin.get<Obj>({ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'speaker', namespace: NS }));
  const tmeta = (ds['spec'] as { template: { metadata: { annotations?: Record<string, string> } } }).template.metadata;
  assert.equal(tmeta.annotations?.['openshift.io/required-scc'], 'metallb-speaker');

  const dep = await poll('the controller', () => admin.get<Obj>({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'controller', namespace: NS }));
  const pod = (dep['spec'] as { template: { spec: { securityContext?: Record<string, unknown>; containers: { securityContext?: Record<string, unknown> }[] } } }).template.spec;
  assert.equal(pod.securityContext?.['runAsUser'], undefined);
  assert.equal(pod.securityContext?.['fsGroup'], undefined);
  for (const c of pod.containers) assert.equal(c.securityContext?.['runAsUser'], undefined);
  assert.equal((dep['spec'] as { template: { metadata: { annotations?: Record<string, string> } } }).template.metadata.annotations?.['openshift.io/required-scc'], undefined, 'the controller runs under restricted-v2 untouched');
});

test('a second installation (its own loadBalancerClass) shares the SCC; it goes with the last installation only', async () => {
  const sccGet = (): Promise<Obj | undefined> => admin.get<Obj>({ apiVersion: 'security.openshift.io/v1', kind: 'SecurityContextConstraints', name: 'metallb-speaker' });
  await cp.kubectl(['create', 'namespace', NS2]);
  op2 = await runOperator({ kube: new Kube(loadKubeConfig(cp.kubeconfigPath), 'metallb-operator-2'), log: silentLogger(), namespace: NS2, render: operatorRender(NS2) });
  await admin.apply({ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', metadata: { name: 'metallb', namespace: NS2 }, spec: { loadBalancerClass: 'metallb.io/second' } });
  await poll('the second installation deployed', () => admin.get<Obj>({ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'speaker', namespace: NS2 }));
  const before = await sccGet();
  assert.ok(before);
  await sleep(1500);
  assert.equal((await sccGet())?.metadata?.resourceVersion, before.metadata?.resourceVersion, 'both render it the same: neither rewrites it');
  await admin.delete({ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', name: 'metallb', namespace: NS2 });
  await poll('the second CR gone', async () => ((await admin.get({ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', name: 'metallb', namespace: NS2 })) ? undefined : true));
  assert.ok(await sccGet(), 'the first installation\'s speakers still need it');
  await admin.delete({ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', name: 'metallb', namespace: NS });
  await poll('the SCC removed with the last installation', async () => ((await sccGet()) ? undefined : true));
});
