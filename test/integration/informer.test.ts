// Our own list+watch (src/k8s/informer.ts) against the real kube-apiserver: a list of more objects
// than one page, a watch that resumes across an apiserver restart without replaying, and a watch
// from a resourceVersion the server no longer has (410 Gone) that relists and reports nothing
// that did not change. src/k8s/informer.test.ts covers the same against a fake server, byte by byte.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getTestCluster } from '../helpers/controlplane.js';
import type { ControlPlane } from '../helpers/controlplane.js';
import { Kube, LIST_PAGE_SIZE } from '../../src/k8s/client.js';
import type { Obj } from '../../src/k8s/client.js';
import { Informer } from '../../src/k8s/informer.js';
import type { EventType } from '../../src/k8s/informer.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { silentLogger } from '../../src/util/log.js';
import { poll } from '../helpers/poll.js';

const NS = 'informer-it';
const BULK = LIST_PAGE_SIZE * 2 + 100;
let cp: ControlPlane;
let admin: Kube;
const informers: Informer[] = [];

const configMap = (name: string, label: string, data: Record<string, string> = {}): Obj =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, labels: { it: label } }, data });

function watch(label: string): { informer: Informer; events: string[] } {
  const informer = new Informer(new Kube(loadKubeConfig(cp.kubeconfigPath), 'informer-it'), { apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, labelSelector: `it=${label}` }, silentLogger());
  const events: string[] = [];
  informer.on((type: EventType, obj: Obj) => events.push(`${type} ${obj.metadata?.name}`));
  informers.push(informer);
  informer.start();
  return { informer, events };
}

before(async () => {
  cp = await getTestCluster();
  admin = new Kube(loadKubeConfig(cp.kubeconfigPath), 'test-admin');
  await cp.kubectl(['create', 'namespace', NS]);
});

after(async () => {
  for (const i of informers) i.stop();
  // Waited for: the test files after this one (an apiserver restart among them) should not share
  // the apiserver with a namespace controller still deleting a thousand ConfigMaps.
  await cp.kubectl(['delete', 'namespace', NS, '--wait=true', '--timeout=120s']);
});

test(`a list of ${BULK} objects is read in pages of ${LIST_PAGE_SIZE}, by the informer and by list()`, async () => {
  const names = Array.from({ length: BULK }, (_, i) => `bulk-${String(i).padStart(4, '0')}`);
  for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((n) => admin.apply(configMap(n, 'bulk'))));
  const { informer, events } = watch('bulk');
  const kube = (informer as unknown as { kube: Kube }).kube;
  const paths: string[] = [];
  const json = kube.http.json.bind(kube.http);
  kube.http.json = (method, path, o) => (paths.push(path), json(method, path, o));
  await informer.synced;
  assert.equal(informer.list().length, BULK);
  assert.equal(events.length, BULK);
  assert.ok(events.every((e) => e.startsWith('ADDED ')));
  assert.equal(paths.filter((p) => p.includes('continue=')).length, 2, `list requests: ${paths.join(' ')}`);
  assert.deepEqual((await admin.list('v1', 'ConfigMap', NS, 'it=bulk')).map((o) => o.metadata?.name).sort(), names);
  // one deletecollection request (kubectl would delete, and wait for, each one in turn)
  await admin.request('DELETE', `/api/v1/namespaces/${NS}/configmaps?labelSelector=it%3Dbulk`);
  await poll('the bulk ConfigMaps gone from the informer', async () => (informer.list().length === 0 ? true : undefined));
});

test('across an apiserver restart the watch resumes from its resourceVersion; it relists at most once, replays nothing, misses nothing', async () => {
  for (const n of ['r1', 'r2', 'r3']) await admin.apply(configMap(n, 'resume'));
  const { informer, events } = watch('resume');
  const kube = (informer as unknown as { kube: Kube }).kube;
  const watched: string[] = [];
  const stream = kube.stream.bind(kube);
  kube.stream = (path, signal) => (watched.push(new URLSearchParams(path.split('?')[1]).get('resourceVersion') ?? ''), stream(path, signal));
  await informer.synced;
  assert.equal(informer.list().length, 3);
  const rv = (informer as unknown as { lastRV: string }).lastRV;
  events.length = 0;
  watched.length = 0;
  await cp.restartApiServer(1000);
  await admin.apply(configMap('r4', 'resume'));
  await admin.apply(configMap('r1', 'resume', { changed: 'yes' }));
  await poll('the changes after the restart', async () => ((informer.get(NS, 'r1')?.['data'] as { changed?: string } | undefined)?.changed === 'yes' && informer.get(NS, 'r4') ? true : undefined));
  // Exactly these two, r2 and r3 not replayed; their order is the writes' only when the watch
  // resumed: a relist (410 below) reports what changed in list order (r1 before r4).
  assert.deepEqual([...events].sort(), ['ADDED r4', 'MODIFIED r1']);
  // The watches after the restart ask for where the informer was. A restarted apiserver's watch
  // cache starts at etcd's current revision, so any write elsewhere in the cluster meanwhile (a
  // Lease renewal) makes that too old: 410 Gone, and one relist that reports nothing unchanged.
  assert.ok(watched.length >= 1 && watched[0] === rv, `watches after the restart from ${watched.join(', ')}; the informer was at ${rv}`);
  assert.ok(informer.stats.lists <= 2, `${informer.stats.lists} lists`);
});

test('a watch from a resourceVersion the apiserver no longer has (410 Gone) relists, and reports only what changed', async () => {
  for (const n of ['g1', 'g2']) await admin.apply(configMap(n, 'gone'));
  const { informer, events } = watch('gone');
  await informer.synced;
  events.length = 0;
  // Pretend the informer was away long enough for its resourceVersion to be compacted: point it
  // at resourceVersion 1 and break its watch, so that it resumes from there.
  const inner = informer as unknown as { lastRV: string; abort?: AbortController };
  inner.lastRV = '1';
  inner.abort?.abort();
  await poll('the relist', async () => (informer.stats.lists === 2 ? true : undefined));
  await admin.apply(configMap('g3', 'gone'));
  await poll('g3 after the relist', async () => (informer.get(NS, 'g3') ? true : undefined));
  assert.deepEqual(events, ['ADDED g3']);
  assert.deepEqual(informer.list().map((o) => o.metadata?.name).sort(), ['g1', 'g2', 'g3']);
});
