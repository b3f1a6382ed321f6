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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/util/log.js';
import { runOperator } from '../../src/operator/run.js';
import { operatorRender } from '../../src/operator/wiring.js';
import type { MetalLBOperator } from '../../src/operator/reconciler.js';
import { ReferencedSecrets } from '../../src/speaker/secrets.js';
import { poll } from '../helpers/poll.js';

const NS = 'metallb-lp';
const NODES = ['lp-node-a', 'lp-node-b'];
let cp: ControlPlane;
let admin: Kube;
let op: MetalLBOperator;
let speaker: Kube;
let controller: Kube;
let dir: string;

const secret = (name: string, type: string, data: Record<string, string>): Obj =>
  ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: NS }, type, stringData: data }) as Obj;
const peer = (name: string, secretName: string): Obj =>
  ({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name, namespace: NS }, spec: { myASN: 64500, peerASN: 64501, peerAddress: `10.0.0.${name.length}`, passwordSecret: { name: secretName } } }) as Obj;

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
  for (const n of NODES) await admin.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: n, labels: { 'kubernetes.io/os': 'linux' } } } as Obj);
  await admin.apply(secret('bgp-auth', 'kubernetes.io/basic-auth', { username: 'ignored', password: 's3cret' }));
  await admin.apply(secret('unrelated', 'Opaque', { token: 'not-for-the-speaker' }));
  await admin.apply(peer('router-1', 'bgp-auth'));
  op = await runOperator({ kube: new Kube(loadKubeConfig(cp.kubeconfigPath), 'metallb-operator'), log: silentLogger(), namespace: NS, render: operatorRender(), openshift: false });
  await admin.apply({ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', metadata: { name: 'metallb', namespace: NS }, spec: {} } as Obj);
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
  assert.deepEqual(results, { ownApply: 200, otherNodeApply: 200, unknownNode: 403, controllerLease: 403, controllerDelete: 403, ownDelete: 200, watchAll: 200 });
  const held = await admin.get<Obj>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: 'metallb-controller', namespace: NS });
  assert.equal((held?.['spec'] as { holderIdentity?: string }).holderIdentity, 'controller-0');
});

test('the controller patches Services and their status but replaces none; its Lease only by name', async () => {
  await admin.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'lp-svc', namespace: NS }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } } as Obj);
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
  assert.deepEqual(results, { patch: 200, patchStatus: 200, update: 403, updateStatus: 403, leaderLease: 200, speakerLease: 403, configMap: 404, otherConfigMap: 403, speakerConfigMap: 404, speakerOtherConfigMap: 403 });
});
