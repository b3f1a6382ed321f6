// Least privilege, proven by the apiserver: the operator renders the controller's and the speaker's
// RBAC from the cluster (the Secrets BGPPeers name, one liveness Lease per node), and requests made
// with those ServiceAccounts' own tokens (TokenRequest) are allowed or refused as the roles say:
// the speaker reads only referenced Secrets and writes only speakers' Leases, the controller
// replaces nothing but its leader Lease, and neither reads another ConfigMap than `config`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getTestCluster } from '../helpers/controlplane.js';
import type { ControlPlane } from '../helpers/controlplane.js';
import { Kube } from '../../src/k8s/client.js';
import type { Obj } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { serviceAccountKubeconfig } from '../helpers/service-account.js';
import { installWorkloadClusterRBAC } from '../helpers/workload-rbac.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/util/log.js';
import { runOperator } from '../../src/operator/run.js';
import type { MetalLBOperator } from '../../src/operator/run.js';
import { operatorRender } from '../../src/operator/render-setup.js';
import { ReferencedSecrets } from '../../src/speaker/secrets.js';
import { poll } from '../helpers/poll.js';
import { ServiceStatusWriter } from '../../src/speaker/service-status/writer.js';
import { l2Supersedes, statusObjectName } from '../../src/speaker/service-status/plan.js';

const NS = 'metallb-lp';
const NODES = ['lp-node-a', 'lp-node-b'];
let cp: ControlPlane;
let admin: Kube;
let op: MetalLBOperator;
let speaker: Kube;
let controller: Kube;
let dir: string;
let removeClusterRBAC: (() => Promise<void>) | undefined;

const secret = (name: string, type: string, data: Record<string, string>): Obj =>
  ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: NS }, type, stringData: data });
const peer = (name: string, secretName: string): Obj =>
  ({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name, namespace: NS }, spec: { myASN: 64500, peerASN: 64501, peerAddress: `10.0.0.${name.length}`, passwordSecret: { name: secretName } } });

/** A client holding only a TokenRequest token of ServiceAccount `sa`. */
const asServiceAccount = async (sa: string): Promise<Kube> => new Kube(loadKubeConfig(await serviceAccountKubeconfig(admin, cp.kubeconfigPath, NS, sa, dir)), `lp-${sa}`);

/** The HTTP status of a request: 2xx, or what the apiserver answered (403 refused, 404 allowed but absent). */
async function status(kube: Kube, method: string, path: string, body?: unknown, contentType?: string): Promise<number> {
  try {
    await kube.request(method, path, body, contentType);
    return 200;
  } catch (err) {
    return (err as { statusCode?: number }).statusCode ?? 0;
  }
}

const lease = (name: string, holder: string): Record<string, unknown> => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: NS }, spec: { holderIdentity: holder } });
const LEASES = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`;
const apply = (name: string, holder: string): [string, string, unknown, string] => ['PATCH', `${LEASES}/${name}?fieldManager=lp-test&force=true`, lease(name, holder), 'application/apply-patch+yaml'];

before(async () => {
  cp = await getTestCluster();
  dir = mkdtempSync(join(tmpdir(), 'metallb-lp-'));
  admin = new Kube(loadKubeConfig(cp.kubeconfigPath), 'test-admin');
  await cp.kubectl(['create', 'namespace', NS]);
  for (const n of NODES) await admin.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: n, labels: { 'kubernetes.io/os': 'linux' } } });
  await admin.apply(secret('bgp-auth', 'kubernetes.io/basic-auth', { username: 'ignored', password: 's3cret' }));
  await admin.apply(secret('unrelated', 'Opaque', { token: 'not-for-the-speaker' }));
  await admin.apply(peer('router-1', 'bgp-auth'));
  removeClusterRBAC = await installWorkloadClusterRBAC(admin, NS);
  op = await runOperator({ kube: new Kube(loadKubeConfig(cp.kubeconfigPath), 'metallb-operator'), log: silentLogger(), namespace: NS, render: operatorRender(), openshift: false });
  await admin.apply({ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', metadata: { name: 'metallb', namespace: NS }, spec: {} });
  await poll('the speaker and controller ServiceAccounts and Roles', async () => ((await admin.get({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', name: 'speaker-secrets', namespace: NS })) ? true : undefined));
  speaker = await asServiceAccount('speaker');
  controller = await asServiceAccount('controller');
  // the leader Lease exists, as when a controller runs
  await admin.request('POST', LEASES, lease('metallb-controller', 'controller-0'));
});

after(async () => {
  // With the operator still running, so its finalizer removes the cluster-scoped objects.
  await cp.kubectl(['delete', 'metallb', '--all', '-n', NS, '--timeout=60s']);
  op?.stop();
  await removeClusterRBAC?.();
  for (const n of NODES) await admin.delete({ apiVersion: 'v1', kind: 'Node', name: n });
  await cp.kubectl(['delete', 'namespace', NS, '--wait=false']);
  rmSync(dir, { recursive: true, force: true });
});

test('the speaker reads the Secrets BGPPeers name, one by one, and no other', async () => {
  const SECRETS = `/api/v1/namespaces/${NS}/secrets`;
  assert.deepEqual(
    {
      referenced: await status(speaker, 'GET', `${SECRETS}/bgp-auth`),
      unrelated: await status(speaker, 'GET', `${SECRETS}/unrelated`),
      list: await status(speaker, 'GET', SECRETS),
      listByName: await status(speaker, 'GET', `${SECRETS}?fieldSelector=metadata.name%3Dbgp-auth`),
      otherNamespace: await status(speaker, 'GET', '/api/v1/namespaces/kube-system/secrets'),
    },
    { referenced: 200, unrelated: 403, list: 403, listByName: 200, otherNamespace: 403 },
  );
  // What the speaker keeps of it: its type and password (no username, no other key).
  const watched = new ReferencedSecrets(speaker, NS, silentLogger(), () => {});
  try {
    await watched.follow([peer('router-1', 'bgp-auth')], 10_000);
    const [s, ...more] = watched.objects();
    assert.equal(more.length, 0);
    assert.deepEqual({ type: s?.['type'], data: s?.['data'] }, { type: 'kubernetes.io/basic-auth', data: { password: Buffer.from('s3cret').toString('base64') } });
  } finally {
    watched.stop();
  }
});

test('a BGPPeer naming a new Secret makes it readable; removing the reference takes it away', async () => {
  await admin.apply(secret('bgp-new', 'kubernetes.io/basic-auth', { password: 'n3w' }));
  const path = `/api/v1/namespaces/${NS}/secrets/bgp-new`;
  assert.equal(await status(speaker, 'GET', path), 403);
  await admin.apply(peer('router-22', 'bgp-new'));
  await poll('bgp-new readable by the speaker', async () => ((await status(speaker, 'GET', path)) === 200 ? true : undefined), 15_000);
  // The speaker's own watch gets it too, once the Role names it (its first tries may be refused).
  const watched = new ReferencedSecrets(speaker, NS, silentLogger(), () => {});
  try {
    await watched.follow([peer('router-22', 'bgp-new')], 10_000);
    assert.deepEqual(watched.objects().map((o) => o.metadata?.name), ['bgp-new']);
  } finally {
    watched.stop();
  }
  await admin.delete({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', name: 'router-22', namespace: NS });
  await poll('bgp-new no longer readable', async () => ((await status(speaker, 'GET', path)) === 403 ? true : undefined), 15_000);
});

test('speakers write only speakers\' Leases, never the controller\'s leader Lease', async () => {
  const results = {
    ownApply: await status(speaker, ...apply('metallb-speaker-lp-node-a', 'lp-node-a')),
    otherNodeApply: await status(speaker, ...apply('metallb-speaker-lp-node-b', 'lp-node-a')),
    unknownNode: await status(speaker, ...apply('metallb-speaker-not-a-node', 'x')),
    controllerLease: await status(speaker, ...apply('metallb-controller', 'speaker')),
    controllerDelete: await status(speaker, 'DELETE', `${LEASES}/metallb-controller`),
    ownDelete: await status(speaker, 'DELETE', `${LEASES}/metallb-speaker-lp-node-a`),
    watchAll: await status(speaker, 'GET', LEASES),
  };
  // Same-ServiceAccount speakers are one identity to RBAC: one node's speaker can still write
  // another node's Lease (docs/security.md says so); what it cannot touch is anything else.
  assert.deepEqual(results, {
    ownApply: 200,
    otherNodeApply: 200,
    unknownNode: 403,
    controllerLease: 403,
    controllerDelete: 403,
    ownDelete: 200,
    watchAll: 200,
  });
  const held = await admin.get<Obj>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: 'metallb-controller', namespace: NS });
  assert.equal((held?.['spec'] as { holderIdentity?: string }).holderIdentity, 'controller-0');
});

test('the controller patches Services and their status but replaces none; its Lease only by name', async () => {
  await admin.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'lp-svc', namespace: NS }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } });
  const svc = await admin.get<Obj>({ apiVersion: 'v1', kind: 'Service', name: 'lp-svc', namespace: NS });
  const path = `/api/v1/namespaces/${NS}/services/lp-svc`;
  const results = {
    patch: await status(controller, 'PATCH', path, { metadata: { annotations: { 'metallb.io/ip-allocated-from-pool': 'p' } } }, 'application/merge-patch+json'),
    patchStatus: await status(controller, 'PATCH', `${path}/status`, { status: { loadBalancer: {} } }, 'application/merge-patch+json'),
    update: await status(controller, 'PUT', path, svc),
    updateStatus: await status(controller, 'PUT', `${path}/status`, svc),
    leaderLease: await status(controller, 'GET', `${LEASES}/metallb-controller`),
    speakerLease: await status(controller, 'GET', `${LEASES}/metallb-speaker-lp-node-b`),
    configMap: await status(controller, 'GET', `/api/v1/namespaces/${NS}/configmaps/config`),
    otherConfigMap: await status(controller, 'GET', `/api/v1/namespaces/${NS}/configmaps/frr-startup`),
    speakerConfigMap: await status(speaker, 'GET', `/api/v1/namespaces/${NS}/configmaps/config`),
    speakerOtherConfigMap: await status(speaker, 'GET', `/api/v1/namespaces/${NS}/configmaps/frr-startup`),
  };
  // 404: allowed, and no legacy ConfigMap exists here.
  assert.deepEqual(results, {
    patch: 200,
    patchStatus: 200,
    update: 403,
    updateStatus: 403,
    leaderLease: 200,
    speakerLease: 403,
    configMap: 404,
    otherConfigMap: 403,
    speakerConfigMap: 404,
    speakerOtherConfigMap: 403,
  });
});

test('the speaker writes no Service, only its ServiceL2Status/ServiceBGPStatus; the controller only reads them', async () => {
  await admin.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'lp-svc2', namespace: NS }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } });
  const svc = `/api/v1/namespaces/${NS}/services/lp-svc2`;
  const L2 = `/apis/metallb.io/v1beta1/namespaces/${NS}/servicel2statuses`;
  const BGP = `/apis/metallb.io/v1beta1/namespaces/${NS}/servicebgpstatuses`;
  const rec = (kind: string, name: string): Record<string, unknown> => ({ apiVersion: 'metallb.io/v1beta1', kind, metadata: { name, namespace: NS } });
  const ssa = (path: string, body: unknown): [string, string, unknown, string] => ['PATCH', `${path}?fieldManager=lp-test&force=true`, body, 'application/apply-patch+yaml'];
  const results = {
    speakerPatchService: await status(speaker, 'PATCH', svc, { metadata: { annotations: { 'metallb.io/layer2-ipv4-node': 'x' } } }, 'application/merge-patch+json'),
    speakerPatchServiceStatus: await status(speaker, 'PATCH', `${svc}/status`, { status: { loadBalancer: {} } }, 'application/merge-patch+json'),
    speakerApplyL2: await status(speaker, ...ssa(`${L2}/l2-lp`, rec('ServiceL2Status', 'l2-lp'))),
    speakerApplyL2Status: await status(speaker, ...ssa(`${L2}/l2-lp/status`, { ...rec('ServiceL2Status', 'l2-lp'), status: { node: 'lp-node-a' } })),
    speakerApplyBGP: await status(speaker, ...ssa(`${BGP}/bgp-lp`, rec('ServiceBGPStatus', 'bgp-lp'))),
    speakerApplyBGPStatus: await status(speaker, ...ssa(`${BGP}/bgp-lp/status`, { ...rec('ServiceBGPStatus', 'bgp-lp'), status: { peers: ['router-1'] } })),
    speakerOtherNamespace: await status(speaker, 'GET', '/apis/metallb.io/v1beta1/namespaces/default/servicel2statuses'),
    controllerList: await status(controller, 'GET', L2),
    controllerApply: await status(controller, ...ssa(`${L2}/l2-lp2`, rec('ServiceL2Status', 'l2-lp2'))),
    controllerBGP: await status(controller, 'GET', BGP),
    speakerDelete: await status(speaker, 'DELETE', `${L2}/l2-lp`),
  };
  assert.deepEqual(results, {
    speakerPatchService: 403, speakerPatchServiceStatus: 403, speakerApplyL2: 200, speakerApplyL2Status: 200, speakerApplyBGP: 200, speakerApplyBGPStatus: 200,
    speakerOtherNamespace: 403, controllerList: 200, controllerApply: 403, controllerBGP: 403, speakerDelete: 200,
  });
  await status(speaker, 'DELETE', `${BGP}/bgp-lp`);
});

test('the status writer, with the speaker\'s token: creates, updates and deletes its records; they go with the speaker Pod', async () => {
  const pod = await admin.apply<Obj>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'speaker-lp', namespace: NS }, spec: { nodeName: 'lp-node-a', containers: [{ name: 'speaker', image: 'example.invalid/none' }] } });
  const writer = new ServiceStatusWriter({ kube: speaker, kind: 'ServiceL2Status', namespace: NS, node: 'lp-node-a', log: silentLogger(), pod: { name: 'speaker-lp', uid: pod.metadata!.uid! }, supersedes: l2Supersedes });
  writer.start();
  const get = (): Promise<Obj | undefined> => admin.get<Obj>({ apiVersion: 'metallb.io/v1beta1', kind: 'ServiceL2Status', name: statusObjectName('ServiceL2Status', 'lp-node-a', 'apps/web'), namespace: NS });
  try {
    await writer.sync(new Map([['apps/web', { ips: ['192.0.2.10'] }]]));
    const made = await get();
    assert.deepEqual(made?.['status'], { node: 'lp-node-a', serviceName: 'web', serviceNamespace: 'apps', ips: ['192.0.2.10'] });
    assert.deepEqual(made?.metadata?.ownerReferences?.map((o) => [o.kind, o.name]), [['Pod', 'speaker-lp']]);
    assert.equal(made?.metadata?.labels?.['metallb.io/node'], 'lp-node-a');
    await writer.sync(new Map([['apps/web', { ips: ['192.0.2.10', '2001:db8::10'], interfaces: [{ name: 'eth0' }] }]]));
    assert.deepEqual((await get())?.['status'], { node: 'lp-node-a', serviceName: 'web', serviceNamespace: 'apps', ips: ['192.0.2.10', '2001:db8::10'], interfaces: [{ name: 'eth0' }] });
    const writes = writer.stats.writes;
    await writer.sync(new Map([['apps/web', { ips: ['192.0.2.10', '2001:db8::10'], interfaces: [{ name: 'eth0' }] }]]));
    assert.equal(writer.stats.writes, writes, 'no write when nothing changed');
    await writer.sync(new Map());
    assert.equal(await get(), undefined, 'a Service no longer announced: its record is deleted');
    // the speaker Pod deleted: the garbage collector removes what it wrote
    await writer.sync(new Map([['apps/web', { ips: ['192.0.2.10'] }]]));
    writer.stop();
    assert.ok(await get());
    await cp.kubectl(['delete', 'pod', 'speaker-lp', '-n', NS, '--grace-period=0', '--force', '--ignore-not-found']);
    await poll('the record garbage-collected with its Pod', async () => ((await get()) === undefined ? true : undefined), 30_000);
  } finally {
    writer.stop();
  }
});
