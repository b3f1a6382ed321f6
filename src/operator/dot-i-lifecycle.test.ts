// The @dot-i/k8s-operator adapter: its constructor does not read the environment's kubeconfig,
// its finalizer protocol never touches the object it is given (the informer's cached copy, here
// deep-frozen), and the library's start/stop drive the reconciler.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as ClientNode from '@kubernetes/client-node';
import { Kube } from '../k8s/client.js';
import type { Obj } from '../k8s/client.js';
import { FakeApiServer, sendJSON } from '../../test/helpers/fake-apiserver.js';
import { silentLogger } from '../util/log.js';
import { DotILifecycle, INERT_SERVER } from './dot-i-lifecycle.js';
import type { Lifecycle } from './lifecycle.js';

const require = createRequire(import.meta.url);
const clientNode = createRequire(require.resolve('@dot-i/k8s-operator'))('@kubernetes/client-node') as typeof ClientNode;

const OURS = 'metallb.io/cluster-resources';
const OTHER = 'example.com/keep';
const PATH = '/apis/metallb.io/v1beta1/namespaces/ns/metallbs/metallb';

let server: FakeApiServer;
let kube: Kube;
let patchStatus: number;

before(async () => {
  server = await FakeApiServer.start();
  kube = new Kube(server.config(), 'dot-i-test');
  server.route = (r, res) => {
    if (r.path === '/apis/metallb.io/v1beta1') return sendJSON(res, 200, { kind: 'APIResourceList', resources: [{ name: 'metallbs', kind: 'MetalLB', namespaced: true, verbs: ['patch'] }] });
    if (r.method === 'PATCH' && r.path === PATH) return sendJSON(res, patchStatus, patchStatus === 200 ? { kind: 'MetalLB' } : { kind: 'Status', code: patchStatus, message: 'injected' });
    sendJSON(res, 404, { kind: 'Status', code: 404 });
  };
});
after(async () => {
  kube.close();
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  patchStatus = 200;
});

class Recorder implements Lifecycle {
  calls: string[] = [];
  async start(): Promise<void> {
    this.calls.push('start');
  }
  stop(): void {
    this.calls.push('stop');
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

const metallb = (meta: Record<string, unknown>): Obj => deepFreeze({ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', metadata: { name: 'metallb', namespace: 'ns', resourceVersion: '7', ...meta }, spec: {} });
const patches = (): unknown[] => server.matching((r) => r.method === 'PATCH').map((r) => JSON.parse(r.body) as unknown);

test("the library's constructor does not load the environment's kubeconfig, and loadFromDefault is itself again afterwards", () => {
  const saved = { KUBECONFIG: process.env['KUBECONFIG'], HOME: process.env['HOME'] };
  const home = mkdtempSync(join(tmpdir(), 'dot-i-home-'));
  process.env['KUBECONFIG'] = '/nonexistent/kubeconfig';
  process.env['HOME'] = home;
  try {
    const op = new DotILifecycle(kube, silentLogger(), () => new Recorder());
    const libraryConfig = (op as unknown as { kubeConfig: ClientNode.KubeConfig }).kubeConfig;
    assert.equal(libraryConfig.getCurrentCluster()?.server, INERT_SERVER);
    // Outside the constructor, client-node reads $KUBECONFIG as before (and this one is missing).
    assert.throws(() => new clientNode.KubeConfig().loadFromDefault(), /ENOENT/);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(home, { recursive: true, force: true });
  }
});

test("the library's start and stop drive the reconciler's", async () => {
  const op = new DotILifecycle(kube, silentLogger(), () => new Recorder());
  await op.start();
  op.stop();
  assert.deepEqual(op.reconciler.calls, ['start', 'stop']);
});

test('adding the finalizer patches a copy: the frozen cached object is unchanged', async () => {
  const op = new DotILifecycle(kube, silentLogger(), () => new Recorder());
  const cached = metallb({ finalizers: [OTHER] });
  const before = structuredClone(cached);
  assert.equal(await op.handle(cached, OURS, () => assert.fail('not being deleted')), true);
  assert.deepEqual(patches(), [{ metadata: { finalizers: [OTHER, OURS] } }]);
  assert.deepEqual(cached, before);
});

test('a deleted object: the delete action runs, then the finalizer is removed from a copy', async () => {
  const op = new DotILifecycle(kube, silentLogger(), () => new Recorder());
  const cached = metallb({ deletionTimestamp: '2026-12-07T00:00:00Z', finalizers: [OTHER, OURS] });
  const before = structuredClone(cached);
  let deleted = 0;
  assert.equal(await op.handle(cached, OURS, async () => void deleted++), true);
  assert.equal(deleted, 1);
  assert.deepEqual(patches(), [{ metadata: { finalizers: [OTHER] } }]);
  assert.deepEqual(cached, before);
});

test('with the finalizer in place nothing is written; a failed write throws (the queue retries)', async () => {
  const op = new DotILifecycle(kube, silentLogger(), () => new Recorder());
  assert.equal(await op.handle(metallb({ finalizers: [OURS] }), OURS, () => assert.fail('not being deleted')), false);
  assert.deepEqual(patches(), []);
  patchStatus = 500;
  await assert.rejects(op.handle(metallb({}), OURS, () => assert.fail('not being deleted')), /injected/);
});
