import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Kube } from './client.js';
import type { Obj } from './client.js';
import { KubeError } from './errors.js';
import { FakeApiServer, discovery, sendJSON } from '../../test/helpers/fake-apiserver.js';

let server: FakeApiServer;
let kube: Kube;
before(async () => {
  server = await FakeApiServer.start();
});
after(async () => {
  kube?.close();
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  kube?.close();
  kube = new Kube(server.config(), 'metallb-test');
});

const status = (code: number, reason: string, message: string): unknown => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

test('apply is a server-side apply: PATCH with the field manager, force, the apply content type and a JSON body', async () => {
  server.route = (r, res) => {
    if (r.path === '/api/v1') return sendJSON(res, 200, discovery({ Service: 'services', Namespace: 'namespaces' }, ['Namespace']));
    sendJSON(res, 200, { ...(JSON.parse(r.body) as object), metadata: { name: 'web', namespace: 'demo', resourceVersion: '7' } });
  };
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'demo' }, spec: { type: 'LoadBalancer' } } as Obj;
  const out = await kube.apply(svc);
  assert.equal(out.metadata?.resourceVersion, '7');
  const patch = server.requests.find((r) => r.method === 'PATCH')!;
  assert.equal(patch.path, '/api/v1/namespaces/demo/services/web');
  assert.equal(patch.query.get('fieldManager'), 'metallb-test');
  assert.equal(patch.query.get('force'), 'true');
  assert.equal(patch.headers['content-type'], 'application/apply-patch+yaml');
  assert.equal(patch.headers['authorization'], 'Bearer fake-token');
  assert.deepEqual(JSON.parse(patch.body), svc);
  assert.equal(kube.writes.apply, 1);

  // cluster-scoped kinds have no namespace in their path; namespaced ones default to the context's
  await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
  await kube.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'bare' } });
  assert.deepEqual(server.matching((r) => r.method === 'PATCH').map((r) => r.path), ['/api/v1/namespaces/demo/services/web', '/api/v1/namespaces/demo', '/api/v1/namespaces/team/services/bare']);
  // discovery was asked once for the group version
  assert.equal(server.matching((r) => r.path === '/api/v1').length, 1);
});

test('get returns undefined on 404; errors keep status, reason and the server message', async () => {
  server.route = (r, res) => {
    if (r.path === '/apis/metallb.io/v1beta1') return sendJSON(res, 200, discovery({ IPAddressPool: 'ipaddresspools' }));
    if (r.path.endsWith('/missing')) return sendJSON(res, 404, status(404, 'NotFound', 'ipaddresspools "missing" not found'));
    if (r.method === 'PATCH') return sendJSON(res, 409, status(409, 'Conflict', 'Operation cannot be fulfilled: the object has been modified'));
    if (r.method === 'GET') return sendJSON(res, 410, status(410, 'Expired', 'too old'));
    sendJSON(res, 500, status(500, 'InternalError', 'boom'));
  };
  const ref = { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', namespace: 'ns' };
  assert.equal(await kube.get({ ...ref, name: 'missing' }), undefined);
  await kube.delete({ ...ref, name: 'missing' });
  const conflict = await kube.mergePatch({ ...ref, name: 'p' }, { metadata: {} }).catch((e: unknown) => e);
  assert.ok(conflict instanceof KubeError);
  assert.equal(conflict.statusCode, 409);
  assert.equal(conflict.reason, 'Conflict');
  assert.ok(conflict.conflict);
  assert.match(conflict.message, /^patch IPAddressPool ns\/p: Operation cannot be fulfilled/);
  const gone = await kube.get({ ...ref, name: 'p' }).catch((e: unknown) => e);
  assert.ok(gone instanceof KubeError && gone.gone && gone.reason === 'Expired');
  // a raw request rejects with the status code on the error, as lease.ts and discovery.ts read it
  const raw = await kube.request('POST', '/api/v1/namespaces/ns/things', {}).catch((e: unknown) => e);
  assert.equal((raw as { statusCode?: number }).statusCode, 500);
});

test('a kind the server does not serve yet is looked up again: a CRD may be installed after start', async () => {
  let installed = false;
  server.route = (r, res) => {
    if (r.path === '/apis/metallb.io/v1beta1') return sendJSON(res, 200, discovery(installed ? { IPAddressPool: 'ipaddresspools', Community: 'communities' } : { IPAddressPool: 'ipaddresspools' }));
    sendJSON(res, 200, { kind: 'CommunityList', metadata: { resourceVersion: '1' }, items: [{ metadata: { name: 'c1' } }] });
  };
  await kube.list('metallb.io/v1beta1', 'IPAddressPool');
  const before = await kube.list('metallb.io/v1beta1', 'Community').catch((e: unknown) => e);
  assert.ok(before instanceof KubeError && /does not serve metallb.io\/v1beta1 Community/.test(before.message));
  installed = true;
  assert.deepEqual((await kube.list('metallb.io/v1beta1', 'Community')).map((o) => o.metadata?.name), ['c1']);
  // first read, one re-read for the miss, one for the retry; the known kind needed none
  assert.equal(server.matching((r) => r.path === '/apis/metallb.io/v1beta1').length, 3);
});

test('a group whose API is not installed: get is undefined, delete succeeds, list fails with 404', async () => {
  server.route = (_r, res) => res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n');
  const ref = { apiVersion: 'security.openshift.io/v1', kind: 'SecurityContextConstraints', name: 'x' };
  assert.equal(await kube.get(ref), undefined);
  await kube.delete(ref);
  const err = await kube.list(ref.apiVersion, ref.kind).catch((e: unknown) => e);
  assert.ok(err instanceof KubeError && err.notFound && /404 page not found/.test(err.message));
});

test('list reads every page with limit and continue', async () => {
  server.route = (r, res) => {
    if (r.path === '/api/v1') return sendJSON(res, 200, discovery({ ConfigMap: 'configmaps' }));
    const page = Number(r.query.get('continue') ?? '0');
    sendJSON(res, 200, { metadata: { resourceVersion: '9', ...(page < 2 ? { continue: String(page + 1) } : {}) }, items: [{ metadata: { name: `cm-${page}` } }] });
  };
  const items = await kube.list('v1', 'ConfigMap', 'ns', 'app=x');
  assert.deepEqual(items.map((o) => o.metadata?.name), ['cm-0', 'cm-1', 'cm-2']);
  const lists = server.matching((r) => r.path === '/api/v1/namespaces/ns/configmaps');
  assert.deepEqual(lists.map((r) => [r.query.get('limit'), r.query.get('continue'), r.query.get('labelSelector')]), [['500', null, 'app=x'], ['500', '1', 'app=x'], ['500', '2', 'app=x']]);
});
