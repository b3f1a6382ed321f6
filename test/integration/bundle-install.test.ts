// The bundle's acceptance test: the CSV's install strategy, applied to a real control plane the way
// OLM applies it (a ServiceAccount per permission entry, Role + RoleBinding from `permissions`,
// ClusterRole + ClusterRoleBinding from `clusterPermissions`, the Deployment), creates the
// operator Deployment and its RBAC, and the controller's and the speaker's cluster-wide RBAC;
// then the operator program, run as that ServiceAccount (a token from the TokenRequest API,
// nothing else), does all its work on OpenShift (the superset: SCC and its Role too): the seed 002
// MetalLB CR becomes the controller Deployment, the speaker DaemonSet, namespaced RBAC, the FRR
// ConfigMap and the SCC; a legacy ConfigMap gets its condition; deleting the CR removes the SCC.
// Any permission missing from the bundle fails here, and so does one too many on cluster-wide
// RBAC or SCCs (18.5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTestCluster } from '../helpers/controlplane.js';
import type { ControlPlane } from '../helpers/controlplane.js';
import { Kube } from '../../src/k8s/client.js';
import type { Obj } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { parseObjects } from '../../src/api/yaml.js';
import { repoRoot } from '../../src/util/repo-root.js';
import { stopProc } from '../../src/lab/procs.js';
import { poll } from '../helpers/poll.js';
import { serviceAccountKubeconfig } from '../helpers/service-account.js';

const NS = 'metallb-bundle';
const CSV = join(repoRoot(), 'bundle/manifests/metallb-operator.clusterserviceversion.yaml');
type Rules = Record<string, unknown>[];
interface InstallSpec {
  deployments: {
    name: string;
    label?: Record<string, string>;
    spec: { template: { spec: { serviceAccountName: string; containers: { env?: { name: string; value?: string }[] }[] } } };
  }[];
  permissions: { serviceAccountName: string; rules: Rules }[];
  clusterPermissions: { serviceAccountName: string; rules: Rules }[];
}

const csv = parseObjects(readFileSync(CSV, 'utf8'))[0]!;
const csvName = csv.metadata!.name!;
const install = ((csv['spec'] as { install: { spec: InstallSpec } }).install.spec);
const dep = install.deployments[0]!;
const sa = dep.spec.template.spec.serviceAccountName;
const RBAC = 'rbac.authorization.k8s.io/v1';
/** OLM's names for the Role/ClusterRole of a permission entry (one per ServiceAccount here). */
const installRole = (account: string): string => `${csvName}-${account}`;

let cp: ControlPlane;
let admin: Kube;
let operator: ChildProcess | undefined;
let dir: string;
let logFile: string;

const get = (apiVersion: string, kind: string, name: string, namespace?: string): Promise<Obj | undefined> =>
  admin.get<Obj>({ apiVersion, kind, name, ...(namespace ? { namespace } : {}) });
const conditions = async (): Promise<{ type: string; status: string; reason: string; message: string }[]> =>
  ((await get('metallb.io/v1beta1', 'MetalLB', 'metallb', NS))?.['status'] as { conditions?: [] } | undefined)?.conditions ?? [];

/** The apiserver's refusals in the operator's log, each cut to the permission it names. */
function refusals(): string[] {
  const found = readFileSync(logFile, 'utf8').match(/User \\"system:serviceaccount:[^"\\]+\\" cannot [a-z]+ resource \\"[^"\\]+\\"[^;"]*/g) ?? [];
  return [...new Set(found)];
}

/** What OLM creates from the CSV's install strategy, in its order: identities, RBAC, Deployment. */
function installStrategyObjects(): Obj[] {
  const accounts = [...new Set([sa, ...install.permissions.map((p) => p.serviceAccountName), ...install.clusterPermissions.map((p) => p.serviceAccountName)])];
  const objs: Obj[] = accounts.map((name) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: NS } }));
  const subject = (account: string): unknown[] => [{ kind: 'ServiceAccount', name: account, namespace: NS }];
  for (const p of install.permissions) {
    const name = installRole(p.serviceAccountName);
    objs.push({ apiVersion: RBAC, kind: 'Role', metadata: { name, namespace: NS }, rules: p.rules });
    objs.push({ apiVersion: RBAC, kind: 'RoleBinding', metadata: { name, namespace: NS }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects: subject(p.serviceAccountName) });
  }
  for (const p of install.clusterPermissions) {
    const name = installRole(p.serviceAccountName);
    objs.push({ apiVersion: RBAC, kind: 'ClusterRole', metadata: { name }, rules: p.rules });
    objs.push({ apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects: subject(p.serviceAccountName) });
  }
  objs.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: dep.name, namespace: NS, labels: dep.label ?? {} }, spec: dep.spec });
  return objs;
}

before(async () => {
  cp = await getTestCluster();
  await cp.installOpenShiftSCC();
  admin = new Kube(loadKubeConfig(cp.kubeconfigPath), 'test-admin');
  dir = mkdtempSync(join(tmpdir(), 'metallb-bundle-'));
  logFile = join(dir, 'operator.log');
  await cp.kubectl(['create', 'namespace', NS]);
});

after(async () => {
  if (operator?.pid) await stopProc(operator.pid);
  await cp.kubectl(['delete', 'metallb', '--all', '-n', NS, '--wait=false']);
  await cp.kubectl(['delete', 'clusterrole,clusterrolebinding', ...install.clusterPermissions.map((p) => installRole(p.serviceAccountName)), '--ignore-not-found']);
  await cp.kubectl(['delete', 'namespace', NS, '--wait=false']);
  await cp.kubectl(['delete', 'crd', 'securitycontextconstraints.security.openshift.io', '--wait=true']);
  rmSync(dir, { recursive: true, force: true });
});

test('the install strategy creates the operator Deployment, its ServiceAccount and RBAC, and the Deployment its pod', async () => {
  for (const o of installStrategyObjects()) await admin.apply(o);
  const d = await poll('the operator Deployment', () => get('apps/v1', 'Deployment', dep.name, NS));
  assert.equal((d['spec'] as InstallSpec['deployments'][0]['spec']).template.spec.serviceAccountName, sa);
  // the real ReplicaSet controller creates the pod (no kubelet runs it)
  const pods = await poll('the operator pod', async () => {
    const list = await admin.list<Obj>('v1', 'Pod', NS, 'control-plane=controller-manager');
    return list.length > 0 ? list : undefined;
  });
  assert.equal((pods[0]!['spec'] as { serviceAccountName: string }).serviceAccountName, sa);
  const can = await cp.kubectl(['auth', 'can-i', 'patch', 'daemonsets.apps', '-n', NS, `--as=system:serviceaccount:${NS}:${sa}`]);
  assert.equal(can.stdout.trim(), 'yes');
  const cannot = await cp.kubectl(['auth', 'can-i', 'get', 'secrets', '-n', 'kube-system', `--as=system:serviceaccount:${NS}:${sa}`]);
  assert.equal(cannot.stdout.trim(), 'no', 'the operator must not read Secrets outside its namespace');
  // The workloads' cluster-wide rules come with the install, bound to their ServiceAccounts.
  assert.deepEqual(install.clusterPermissions.map((p) => p.serviceAccountName), [sa, 'metallb-operator-webhook-server', 'controller', 'speaker']);
  for (const [who, verb, what] of [['controller', 'patch', 'services/status'], ['speaker', 'watch', 'endpointslices.discovery.k8s.io'], ['metallb-operator-webhook-server', 'list', 'nodes']] as const) {
    const r = await cp.kubectl(['auth', 'can-i', verb, what, '--all-namespaces', `--as=system:serviceaccount:${NS}:${who}`]);
    assert.equal(r.stdout.trim(), 'yes', `${who} ${verb} ${what}`);
  }
});

// 18.5: what a stolen operator token could do to cluster-wide RBAC and SCCs, asked of the apiserver.
test('the operator may touch no ClusterRole or ClusterRoleBinding and no SCC but metallb-speaker, nor use another SCC', async () => {
  const can = async (...args: string[]): Promise<string> => (await cp.kubectl(['auth', 'can-i', ...args, `--as=system:serviceaccount:${NS}:${sa}`])).stdout.trim();
  const answers: Record<string, string> = {};
  for (const q of [
    ['patch', 'clusterroles/cluster-admin'], ['create', 'clusterrolebindings'], ['delete', 'clusterroles/system:node'], ['patch', 'clusterrolebindings/cluster-admin'],
    ['patch', 'securitycontextconstraints/privileged'], ['create', 'securitycontextconstraints'], ['delete', 'securitycontextconstraints/restricted-v2'],
    ['use', 'securitycontextconstraints/privileged', '-n', NS],
    ['patch', 'securitycontextconstraints/metallb-speaker'], ['create', 'securitycontextconstraints/metallb-speaker'], ['use', 'securitycontextconstraints/metallb-speaker', '-n', NS],
  ]) answers[q.join(' ')] = await can(...q);
  assert.deepEqual(answers, {
    'patch clusterroles/cluster-admin': 'no', 'create clusterrolebindings': 'no', 'delete clusterroles/system:node': 'no', 'patch clusterrolebindings/cluster-admin': 'no',
    'patch securitycontextconstraints/privileged': 'no', 'create securitycontextconstraints': 'no', 'delete securitycontextconstraints/restricted-v2': 'no',
    [`use securitycontextconstraints/privileged -n ${NS}`]: 'no',
    'patch securitycontextconstraints/metallb-speaker': 'yes', 'create securitycontextconstraints/metallb-speaker': 'yes', [`use securitycontextconstraints/metallb-speaker -n ${NS}`]: 'yes',
  });
  // And in practice: the operator's token cannot create another SCC, even by server-side apply.
  const op = new Kube(loadKubeConfig(await serviceAccountKubeconfig(admin, cp.kubeconfigPath, NS, sa, dir)), 'bundle-operator-probe');
  await assert.rejects(op.apply({ apiVersion: 'security.openshift.io/v1', kind: 'SecurityContextConstraints', metadata: { name: 'not-metallbs' }, allowPrivilegedContainer: true }), /forbidden/);
});

test('the operator, run with only that ServiceAccount token, reconciles the seed 002 MetalLB CR into everything', async () => {
  const kubeconfig = await serviceAccountKubeconfig(admin, cp.kubeconfigPath, NS, sa, dir);
  const env: NodeJS.ProcessEnv = { ...process.env, OPERATOR_NAMESPACE: NS };
  for (const e of dep.spec.template.spec.containers[0]!.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  const out = openSync(logFile, 'a');
  // --webhook off: this control plane has no pod network for the apiserver to call the webhook
  // over, and the conversion test below writes pools and peers (the webhook with the bundle's
  // permissions is exercised by the OLM install of the pods lab, test/e2e/lab-pods.test.ts).
  operator = spawn(process.execPath, [join(repoRoot(), 'dist/src/cli.js'), 'operator', '--kubeconfig', kubeconfig, '--namespace', NS, '--webhook', 'off'], { env, stdio: ['ignore', out, out] });

  const seed = parseObjects(readFileSync(join(repoRoot(), 'config/samples/metallb_v1beta1_metallb.yaml'), 'utf8'))[0]!;
  await admin.apply({ ...seed, metadata: { ...seed.metadata, namespace: NS } });

  const expected: [string, string, string, string | undefined][] = [
    ['v1', 'ServiceAccount', 'controller', NS], ['v1', 'ServiceAccount', 'speaker', NS], ['v1', 'ConfigMap', 'frr-startup', NS],
    [RBAC, 'Role', 'controller', NS], [RBAC, 'Role', 'speaker', NS], [RBAC, 'Role', 'speaker-scc', NS],
    [RBAC, 'RoleBinding', 'controller', NS], [RBAC, 'RoleBinding', 'speaker', NS], [RBAC, 'RoleBinding', 'speaker-scc', NS],
    ['security.openshift.io/v1', 'SecurityContextConstraints', 'metallb-speaker', undefined],
    ['apps/v1', 'Deployment', 'controller', NS], ['apps/v1', 'DaemonSet', 'speaker', NS],
  ];
  for (const [apiVersion, kind, name, ns] of expected) await poll(`${kind} ${name} (operator log: ${logFile})`, () => get(apiVersion, kind, name, ns), 60_000);
  const ds = (await get('apps/v1', 'DaemonSet', 'speaker', NS))!;
  assert.deepEqual((ds['spec'] as { template: { spec: { nodeSelector: Record<string, string> } } }).template.spec.nodeSelector, { 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/worker': '' });
  const degraded = await poll('Degraded condition', async () => (await conditions()).find((c) => c.type === 'Degraded'));
  assert.equal(degraded.status, 'False', degraded.message);
  assert.deepEqual(refusals(), [], 'the operator was refused something');
});

test('a legacy config ConfigMap gets the LegacyConfigMap condition; the command it names converts it, and the condition goes', async () => {
  const [cm] = parseObjects(readFileSync(join(repoRoot(), 'test/fixtures/seeds/001-configmap-bgp.yaml'), 'utf8'));
  await admin.apply({ ...cm, metadata: { ...cm!.metadata, namespace: NS } });
  const c = await poll('LegacyConfigMap condition', async () => (await conditions()).find((x) => x.type === 'LegacyConfigMap'));
  assert.equal(c.reason, 'ConvertConfigMap');
  const command = c.message.slice(c.message.indexOf('kubectl get configmap'));
  assert.equal(command, `kubectl get configmap config -n ${NS} -o yaml | metallb convert-configmap -f - | kubectl apply -f - && kubectl delete configmap config -n ${NS}`);
  // Run the command exactly as printed, with `metallb` and `kubectl` on PATH.
  const bin = join(dir, 'bin');
  writeFileSync(join(dir, 'mkbin.sh'), `mkdir -p ${bin}\nprintf '#!/bin/sh\\nexec ${process.execPath} ${join(repoRoot(), 'dist/src/cli.js')} "$@"\\n' > ${bin}/metallb\nln -sf ${join(cp.binDir, 'kubectl')} ${bin}/kubectl\nchmod +x ${bin}/metallb\n`);
  const sh = (script: string): Promise<{ code: number | null; out: string }> => new Promise((resolve) => {
    const p = spawn('/bin/sh', ['-c', script], { env: { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}`, KUBECONFIG: cp.kubeconfigPath } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', (code) => resolve({ code, out }));
  });
  assert.equal((await sh(`sh ${join(dir, 'mkbin.sh')}`)).code, 0);
  const r = await sh(command);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /ipaddresspool.metallb.io\/my-ip-space created/);
  assert.match(r.out, /bgppeer.metallb.io\/peer-192-168-7-10 created/);
  assert.ok(await get('metallb.io/v1beta1', 'IPAddressPool', 'my-ip-space', NS));
  await poll('LegacyConfigMap condition removed', async () => ((await conditions()).some((x) => x.type === 'LegacyConfigMap') ? undefined : true));
});

test('a legacy ConfigMap with an unknown key: the condition gives the conversion error', async () => {
  await admin.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config', namespace: NS }, data: { config: 'address-pools:\n- name: x\n  protocol: layer2\n  addresses: [10.0.0.0/24]\n  avoid-buggy-ip: true\n' } });
  const c = await poll('ConfigMapInvalid', async () => (await conditions()).find((x) => x.type === 'LegacyConfigMap' && x.reason === 'ConfigMapInvalid'));
  assert.match(c.message, /unknown key "avoid-buggy-ip"/);
  await admin.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'config', namespace: NS });
});

test('deleting the CR: the operator (same token) removes the SCC (the last installation) and its finalizer', async () => {
  await admin.delete({ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', name: 'metallb', namespace: NS });
  await poll('the CR gone', async () => ((await get('metallb.io/v1beta1', 'MetalLB', 'metallb', NS)) ? undefined : true));
  await poll('SCC removed', async () => ((await get('security.openshift.io/v1', 'SecurityContextConstraints', 'metallb-speaker')) ? undefined : true));
  assert.deepEqual(refusals(), []);
});
