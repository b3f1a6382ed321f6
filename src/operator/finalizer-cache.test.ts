// The reconciler's finalizer handling against a fake apiserver: the informer cache is what every
// reconcile re-reads, so a finalizer written into the cached object instead of a copy makes a
// failed patch look as if it had succeeded, and the retry never sends it again.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { Kube } from '../k8s/client.js';
import type { Obj } from '../k8s/client.js';
import { FakeApiServer, discovery, eventually, sendJSON } from '../../test/helpers/fake-apiserver.js';
import type { Recorded } from '../../test/helpers/fake-apiserver.js';
import { loadKubeConfig } from '../k8s/kubeconfig.js';
import { silentLogger } from '../util/log.js';
import { runOperator } from './run.js';
import { FINALIZER } from './reconciler.js';

// A namespace per test: a reconcile still in flight when the previous test's operator stopped
// may yet send its patch, which must not count as this test's.
let NS = '';
let nsCount = 0;
const crPath = (): string => `/apis/metallb.io/v1beta1/namespaces/${NS}/metallbs/metallb`;
const OTHER = 'example.com/keep';

const groups: Record<string, { kinds: Record<string, string>; cluster?: string[] }> = {
  '/api/v1': { kinds: { ServiceAccount: 'serviceaccounts', ConfigMap: 'configmaps', Service: 'services', Secret: 'secrets', Node: 'nodes' }, cluster: ['Node'] },
  '/apis/rbac.authorization.k8s.io/v1': { kinds: { Role: 'roles', RoleBinding: 'rolebindings' } },
  '/apis/apps/v1': { kinds: { Deployment: 'deployments', DaemonSet: 'daemonsets' } },
  '/apis/metallb.io/v1beta1': { kinds: { MetalLB: 'metallbs' } },
  '/apis/metallb.io/v1beta2': { kinds: { BGPPeer: 'bgppeers' } },
  '/apis/apiextensions.k8s.io/v1': { kinds: { CustomResourceDefinition: 'customresourcedefinitions' }, cluster: ['CustomResourceDefinition'] },
  '/apis/admissionregistration.k8s.io/v1': { kinds: { ValidatingWebhookConfiguration: 'validatingwebhookconfigurations' }, cluster: ['ValidatingWebhookConfiguration'] },
};

let server: FakeApiServer;
let dir: string;
let kube: Kube;
let stop: (() => void) | undefined;
/** The MetalLB the fake lists; PATCHes to it answer with `patchStatus` in turn (then 200). */
let cr: Obj;
let patchStatus: number[];
const watches: ServerResponse[] = [];

before(async () => {
  server = await FakeApiServer.start();
  dir = mkdtempSync(join(tmpdir(), 'finalizer-cache-'));
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  NS = `metallb-test-${++nsCount}`;
  server.requests.length = 0;
  patchStatus = [];
  server.route = (r: Recorded, res: ServerResponse) => {
    const group = groups[r.path];
    if (group) return sendJSON(res, 200, discovery(group.kinds, group.cluster));
    if (r.method === 'GET' && r.query.get('watch') === '1') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      res.flushHeaders();
      watches.push(res);
      return;
    }
    if (r.method === 'GET' && Object.keys(groups).some((g) => r.path.startsWith(`${g}/`))) {
      const items = r.path.endsWith('/metallbs') ? [cr] : [];
      return sendJSON(res, 200, { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '10' }, items });
    }
    if (r.method === 'PATCH' && r.path === crPath()) {
      const status = patchStatus.shift() ?? 200;
      if (status !== 200) return sendJSON(res, status, { kind: 'Status', code: status, message: 'injected failure' });
      return sendJSON(res, 200, { ...cr, metadata: { ...cr.metadata, resourceVersion: '11' } });
    }
    if (r.method === 'PATCH' && r.path === `${crPath()}/status`) return sendJSON(res, 200, cr);
    sendJSON(res, 404, { kind: 'Status', code: 404, reason: 'NotFound', message: 'no route' });
  };
  // A kubeconfig file (not only parsed text): a client-node KubeConfig may be loaded from it.
  const file = join(dir, 'kubeconfig');
  writeFileSync(file, `apiVersion: v1
clusters: [{name: fake, cluster: {server: "${server.url}"}}]
users: [{name: u, user: {token: fake-token}}]
contexts: [{name: fake, context: {cluster: fake, user: u}}]
current-context: fake
`);
  kube = new Kube(loadKubeConfig(file), 'finalizer-cache-test');
});
afterEach(() => {
  stop?.();
  stop = undefined;
  for (const w of watches.splice(0)) w.end();
  kube.close();
});

const crPatches = (): { metadata?: { finalizers?: string[]; annotations?: Record<string, string> } }[] =>
  server.matching((r) => r.method === 'PATCH' && r.path === crPath()).map((r) => JSON.parse(r.body) as { metadata?: { finalizers?: string[] } });

async function start(): Promise<void> {
  const op = await runOperator({ kube, log: silentLogger(), namespace: NS, render: () => [], openshift: false });
  stop = (): void => op.stop();
}

test('a finalizer patch that fails is sent again: the cached MetalLB never got the finalizer', async () => {
  cr = { apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', metadata: { name: 'metallb', namespace: NS, resourceVersion: '10', uid: 'u1', generation: 1, finalizers: [OTHER] }, spec: {} };
  patchStatus = [500];
  await start();
  const patches = await eventually('two patches of the MetalLB', () => (crPatches().length >= 2 ? crPatches() : undefined), 10_000);
  // Both attempts add ours beside the other finalizer; none went on as if the first had succeeded.
  assert.deepEqual(patches.slice(0, 2).map((p) => p.metadata?.finalizers), [[OTHER, FINALIZER], [OTHER, FINALIZER]]);
});

test('removing the finalizer of a deleted MetalLB patches the others back and leaves the cached list as listed', async () => {
  cr = { apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', metadata: { name: 'metallb', namespace: NS, resourceVersion: '10', uid: 'u1', generation: 2, deletionTimestamp: '2026-12-07T00:00:00Z', finalizers: [OTHER, FINALIZER] }, spec: {} };
  patchStatus = [500];
  await start();
  const patches = await eventually('two patches of the MetalLB', () => (crPatches().length >= 2 ? crPatches() : undefined), 10_000);
  assert.deepEqual(patches.slice(0, 2).map((p) => p.metadata?.finalizers), [[OTHER], [OTHER]]);
});
