// The speaker's cache projections keep everything its planners read: the views built from a
// projected object equal those built from the whole object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Obj } from './client.js';
import { endpointViews, serviceView } from '../speaker/announce/build-snapshot.js';
import { projectEndpointSlice, projectService } from './watched-kinds.js';

const svc = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}): Obj => ({
  apiVersion: 'v1', kind: 'Service',
  metadata: { name: 's', namespace: 'ns', uid: 'u1', resourceVersion: '7', labels: { app: 'x' }, annotations: { 'metallb.io/ip-allocated-from-pool': 'p', 'kubectl.kubernetes.io/last-applied-configuration': '{"big":true}' } },
  spec: { clusterIP: '10.96.0.1', ports: [{ port: 80 }], selector: { app: 'x' }, ...spec },
  status: { loadBalancer: { ingress: [{ ip: '192.168.155.150', ipMode: 'VIP' }] } },
  ...extra,
});

test('a projected LoadBalancer Service gives the same view, and keeps what Events need', () => {
  for (const spec of [{ type: 'LoadBalancer' }, { type: 'LoadBalancer', externalTrafficPolicy: 'Local', loadBalancerClass: 'metallb' }]) {
    const whole = svc(spec);
    const p = projectService(structuredClone(whole));
    assert.deepEqual(serviceView(p), serviceView(whole));
    assert.deepEqual(p.metadata, { name: 's', namespace: 'ns', uid: 'u1', resourceVersion: '7', labels: { app: 'x' }, annotations: { 'metallb.io/ip-allocated-from-pool': 'p' } });
    assert.equal(p.apiVersion, 'v1');
    assert.equal(p.kind, 'Service');
  }
});

test('other Services keep only their identity and type', () => {
  const p = projectService(svc({ type: 'ClusterIP' }));
  assert.deepEqual(p['spec'], { type: 'ClusterIP' });
  assert.equal(p['status'], undefined);
  assert.equal(serviceView(p), undefined);
});

test('a projected EndpointSlice gives the same endpoint views', () => {
  const whole = {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: 's-abc', namespace: 'ns', resourceVersion: '9', labels: { 'kubernetes.io/service-name': 's', 'endpointslice.kubernetes.io/managed-by': 'x' } },
    addressType: 'IPv4',
    endpoints: [
      { addresses: ['10.0.0.1'], nodeName: 'n1', conditions: { ready: true, serving: true } },
      { addresses: ['10.0.0.2'], nodeName: 'n2', conditions: { ready: false } },
      { addresses: ['10.0.0.3'], conditions: {} },
    ],
    ports: [{ port: 80 }],
  } as Obj;
  const p = projectEndpointSlice(structuredClone(whole));
  assert.deepEqual(endpointViews(p), endpointViews(whole));
  assert.equal(p['ports'], undefined);
});
