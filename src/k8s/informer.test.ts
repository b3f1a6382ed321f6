// The informer against a fake apiserver that pages its lists, splits watch events at every byte,
// expires continue tokens and watches on demand. test/integration runs it against the real one.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { Kube } from './client.js';
import type { Obj } from './client.js';
import { Informer } from './informer.js';
import type { EventType } from './informer.js';
import { FakeApiServer, discovery, eventually, sendJSON } from '../../test/helpers/fake-apiserver.js';
import type { Recorded } from '../../test/helpers/fake-apiserver.js';
import { silentLogger } from '../util/log.js';

let server: FakeApiServer;
let kube: Kube;
let informer: Informer | undefined;
/** The objects the fake serves, by name, and the RV of the latest change. */
let objects: Map<string, Obj>;
let rv: number;
let watches: { req: Recorded; res: ServerResponse }[];
let expireContinue: number;
let pageSize: number;

before(async () => {
  server = await FakeApiServer.start();
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  objects = new Map();
  rv = 100;
  watches = [];
  expireContinue = 0;
  pageSize = 2;
  kube = new Kube(server.config(), 'informer-test');
  server.route = (r, res) => {
    if (r.path === '/api/v1') return sendJSON(res, 200, discovery({ Service: 'services' }));
    if (r.path !== '/api/v1/services') return sendJSON(res, 404, { kind: 'Status', code: 404 });
    if (r.query.get('watch') === '1') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      res.flushHeaders();
      watches.push({ req: r, res });
      return;
    }
    const token = r.query.get('continue');
    if (token && expireContinue > 0) {
      expireContinue--;
      return sendJSON(res, 410, { kind: 'Status', code: 410, reason: 'Expired', message: 'The provided continue parameter is too old' });
    }
    const all = [...objects.values()].sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
    const start = token ? Number(token) : 0;
    const items = all.slice(start, start + pageSize);
    const more = start + pageSize < all.length;
    sendJSON(res, 200, { kind: 'ServiceList', apiVersion: 'v1', metadata: { resourceVersion: String(rv), ...(more ? { continue: String(start + pageSize) } : {}) }, items });
  };
});
afterEach(() => {
  informer?.stop();
  informer = undefined;
  kube.close();
});

function svc(name: string, version: number, type = 'ClusterIP'): Obj {
  return { metadata: { name, namespace: 'demo', resourceVersion: String(version), managedFields: [{ manager: 'kubectl' }] }, spec: { type, clusterIP: '10.0.0.1' } };
}

function put(name: string, type = 'ClusterIP'): Obj {
  const o = svc(name, ++rv, type);
  objects.set(name, o);
  return o;
}

/** Writes events to the current watch, split into chunks of `chunk` bytes. */
async function send(w: { res: ServerResponse }, events: unknown[], chunk = 7): Promise<void> {
  const bytes = Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  for (let i = 0; i < bytes.length; i += chunk) {
    w.res.write(bytes.subarray(i, i + chunk));
    await new Promise((r) => setImmediate(r));
  }
}

function record(inf: Informer): string[] {
  const seen: string[] = [];
  inf.on((type: EventType, obj: Obj) => seen.push(`${type} ${obj.metadata?.name}@${obj.metadata?.resourceVersion}`));
  return seen;
}

test('the list is read in pages; items get apiVersion and kind, lose managedFields, and are projected', async () => {
  for (const n of ['a', 'b', 'c', 'd', 'e']) put(n, n === 'c' ? 'LoadBalancer' : 'ClusterIP');
  informer = new Informer(kube, { apiVersion: 'v1', kind: 'Service', labelSelector: 'app=x', project: (o) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata, spec: { type: (o['spec'] as { type: string }).type } }) }, silentLogger());
  const seen = record(informer);
  informer.start();
  await informer.synced;
  assert.deepEqual(seen, ['ADDED a@101', 'ADDED b@102', 'ADDED c@103', 'ADDED d@104', 'ADDED e@105']);
  const c = informer.get('demo', 'c')!;
  assert.deepEqual(c, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'c', namespace: 'demo', resourceVersion: '103' }, spec: { type: 'LoadBalancer' } });
  const lists = server.matching((r) => r.path === '/api/v1/services' && r.query.get('watch') === null);
  assert.deepEqual(lists.map((r) => [r.query.get('limit'), r.query.get('continue'), r.query.get('labelSelector')]), [['500', null, 'app=x'], ['500', '2', 'app=x'], ['500', '4', 'app=x']]);
  // the watch starts where the list was, with bookmarks, the selector and a spread-out timeout
  const w = await eventually('the watch', () => watches[0]);
  assert.equal(w.req.query.get('resourceVersion'), '105');
  assert.equal(w.req.query.get('allowWatchBookmarks'), 'true');
  assert.equal(w.req.query.get('labelSelector'), 'app=x');
  const timeout = Number(w.req.query.get('timeoutSeconds'));
  assert.ok(timeout >= 240 && timeout <= 420, `timeoutSeconds ${timeout}`);
});

test('a continue token that expired (410) restarts the list from the beginning', async () => {
  for (const n of ['a', 'b', 'c', 'd', 'e']) put(n);
  expireContinue = 1;
  informer = new Informer(kube, { apiVersion: 'v1', kind: 'Service' }, silentLogger());
  const seen = record(informer);
  informer.start();
  await informer.synced;
  assert.deepEqual(informer.list().map((o) => o.metadata?.name).sort(), ['a', 'b', 'c', 'd', 'e']);
  // the first page's objects were reported once, not again after the restart
  assert.deepEqual(seen, ['ADDED a@101', 'ADDED b@102', 'ADDED c@103', 'ADDED d@104', 'ADDED e@105']);
  assert.equal(informer.stats.lists, 2);
  const starts = server.matching((r) => r.path === '/api/v1/services' && r.query.get('watch') === null).map((r) => r.query.get('continue'));
  assert.deepEqual(starts, [null, '2', null, '2', '4']);
});

test('watch events split at any byte update the cache; bookmarks move the resume point; a clean end resumes without a relist', async () => {
  put('a');
  informer = new Informer(kube, { apiVersion: 'v1', kind: 'Service' }, silentLogger());
  const seen = record(informer);
  informer.start();
  await informer.synced;
  const w1 = await eventually('the first watch', () => watches[0]);
  await send(w1, [
    { type: 'ADDED', object: { apiVersion: 'v1', kind: 'Service', ...svc('b', 110) } },
    { type: 'MODIFIED', object: { apiVersion: 'v1', kind: 'Service', ...svc('a', 111, 'LoadBalancer') } },
    { type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'Service', metadata: { resourceVersion: '150' } } },
  ], 3);
  await eventually('the events', () => (seen.length === 3 ? true : undefined));
  assert.deepEqual(seen, ['ADDED a@101', 'ADDED b@110', 'MODIFIED a@111']);
  assert.equal(informer.get('demo', 'a')?.metadata?.managedFields, undefined);
  w1.res.end(); // the server's timeout
  const w2 = await eventually('the resumed watch', () => watches[1]);
  assert.equal(w2.req.query.get('resourceVersion'), '150');
  await send(w2, [{ type: 'DELETED', object: { apiVersion: 'v1', kind: 'Service', ...svc('b', 151) } }], 1);
  await eventually('the delete', () => (seen.length === 4 ? true : undefined));
  assert.equal(seen[3], 'DELETED b@151');
  assert.equal(informer.get('demo', 'b'), undefined);
  assert.deepEqual({ lists: informer.stats.lists, watches: informer.stats.watches }, { lists: 1, watches: 2 });
});

test('410 Gone in the watch relists, then reports only what changed, including deletions', async () => {
  put('a');
  put('b');
  informer = new Informer(kube, { apiVersion: 'v1', kind: 'Service' }, silentLogger());
  const seen = record(informer);
  informer.start();
  await informer.synced;
  const w1 = await eventually('the first watch', () => watches[0]);
  objects.delete('b');
  put('c');
  put('a');
  await send(w1, [{ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 102 (200)' } }]);
  const w2 = await eventually('the watch after the relist', () => watches[1]);
  assert.equal(w2.req.query.get('resourceVersion'), String(rv));
  assert.equal(informer.stats.lists, 2);
  assert.deepEqual(seen, ['ADDED a@101', 'ADDED b@102', 'MODIFIED a@104', 'ADDED c@103', 'DELETED b@102']);
});

test('a broken watch is retried from its resourceVersion, without a relist', async () => {
  put('a');
  informer = new Informer(kube, { apiVersion: 'v1', kind: 'Service' }, silentLogger());
  informer.start();
  await informer.synced;
  const w1 = await eventually('the first watch', () => watches[0]);
  await send(w1, [{ type: 'MODIFIED', object: svc('a', 120) }]);
  // half an event, then the connection drops (an apiserver restart)
  w1.res.write('{"type":"MODIFIED","obj');
  w1.res.destroy();
  const w2 = await eventually('the retried watch', () => watches[1]);
  assert.equal(w2.req.query.get('resourceVersion'), '120');
  assert.equal(informer.stats.lists, 1);
  assert.equal(informer.stats.errors, 1);
  assert.equal(informer.get('demo', 'a')?.metadata?.resourceVersion, '120');
});

test('an HTTP error answering the watch (apiserver not ready) backs off and watches again', async () => {
  put('a');
  let refuse = 2;
  const route = server.route;
  server.route = (r, res) => {
    if (r.query.get('watch') === '1' && refuse > 0) {
      refuse--;
      return sendJSON(res, 503, { kind: 'Status', code: 503, reason: 'ServiceUnavailable', message: 'not ready' });
    }
    route(r, res);
  };
  informer = new Informer(kube, { apiVersion: 'v1', kind: 'Service' }, silentLogger());
  informer.start();
  await informer.synced;
  const w = await eventually('the watch after two refusals', () => watches[0]);
  assert.equal(w.req.query.get('resourceVersion'), '101');
  assert.equal(informer.stats.errors, 2);
  assert.equal(informer.stats.lists, 1);
});

test('stop() aborts the open watch and nothing is requested afterwards', async () => {
  put('a');
  informer = new Informer(kube, { apiVersion: 'v1', kind: 'Service' }, silentLogger());
  informer.start();
  await informer.synced;
  const w = await eventually('the watch', () => watches[0]);
  const closed = new Promise((r) => w.res.once('close', r));
  informer.stop();
  await closed;
  const count = server.requests.length;
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(server.requests.length, count);
});
