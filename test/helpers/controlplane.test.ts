// Smoke test of the test control plane itself: the apiserver answers kubectl, the controller
// manager runs the DaemonSet and garbage-collector controllers, the SCC API installs.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { getTestCluster } from './controlplane.js';
import type { ControlPlane } from './controlplane.js';
import { poll } from './poll.js';

let cp: ControlPlane;
before(async () => {
  cp = await getTestCluster();
});


test('kubectl works against the generated kubeconfig', async () => {
  const r = await cp.kubectl(['get', '--raw', '/readyz']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'ok');
  const v = await cp.kubectl(['version', '-o', 'json']);
  assert.equal(v.code, 0, v.stderr);
});

test('the DaemonSet controller schedules onto a Node object', async () => {
  const ns = 'cp-smoke';
  await cp.kubectl(['create', 'namespace', ns]);
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'cp-smoke-node', labels: { smoke: 'yes' } } };
  const ds = {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'smoke', namespace: ns },
    spec: { selector: { matchLabels: { app: 'smoke' } }, template: { metadata: { labels: { app: 'smoke' } }, spec: { nodeSelector: { smoke: 'yes' }, containers: [{ name: 'c', image: 'example.invalid/none' }] } } },
  };
  for (const o of [node, ds]) assert.equal((await cp.kubectl(['apply', '-f', '-'], JSON.stringify(o))).code, 0);
  const desired = await poll('desiredNumberScheduled', async () => {
    const r = await cp.kubectl(['get', 'ds', 'smoke', '-n', ns, '-o', 'jsonpath={.status.desiredNumberScheduled}']);
    return r.stdout.trim() === '' ? undefined : r.stdout.trim();
  });
  assert.equal(desired, '1');
  await cp.kubectl(['delete', 'node', 'cp-smoke-node']);
});

test('the OpenShift SCC API installs on demand', async () => {
  await cp.installOpenShiftSCC();
  const r = await cp.kubectl(['api-resources', '--api-group', 'security.openshift.io', '-o', 'name']);
  assert.match(r.stdout, /securitycontextconstraints.security.openshift.io/);
  // the shared plane must not stay an "OpenShift" for the tests that run after this one
  await cp.kubectl(['delete', 'crd', 'securitycontextconstraints.security.openshift.io', '--wait=true']);
});
