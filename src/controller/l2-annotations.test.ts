import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Obj } from '../api/object.js';
import { layer2AnnotationPatch, recordsFor } from './l2-annotations.js';

const svc = (ips: string[], annotations: Record<string, string> = {}): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'apps', annotations }, status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } } });
const rec = (node: string, ips: string[], created: string, service = 'web'): Obj =>
  ({ metadata: { name: `l2-${node}`, creationTimestamp: created, labels: { 'metallb.io/service-name': service, 'metallb.io/service-namespace': 'apps' } }, status: { node, ips } });

test('the annotations follow the records, per family; the newer record wins during a takeover', () => {
  assert.deepEqual(layer2AnnotationPatch(svc(['192.0.2.10', '2001:db8::10']), [rec('n1', ['192.0.2.10'], '2026-01-01T00:00:00Z'), rec('n2', ['2001:db8::10'], '2026-01-01T00:00:00Z')]), {
    'metallb.io/layer2-ipv4-node': 'n1',
    'metallb.io/layer2-ipv6-node': 'n2',
  });
  assert.deepEqual(layer2AnnotationPatch(svc(['192.0.2.10']), [rec('n1', ['192.0.2.10'], '2026-01-01T00:00:00Z'), rec('n3', ['192.0.2.10'], '2026-01-01T00:00:05Z')]), { 'metallb.io/layer2-ipv4-node': 'n3' });
});

test('nothing to write when right; an annotation no record backs is removed', () => {
  assert.deepEqual(layer2AnnotationPatch(svc(['192.0.2.10'], { 'metallb.io/layer2-ipv4-node': 'n1' }), [rec('n1', ['192.0.2.10'], 't')]), {});
  assert.deepEqual(layer2AnnotationPatch(svc(['192.0.2.10'], { 'metallb.io/layer2-ipv4-node': 'n1', other: 'x' }), []), { 'metallb.io/layer2-ipv4-node': null });
  // a record for an IP the Service no longer has backs nothing
  assert.deepEqual(layer2AnnotationPatch(svc([], { 'metallb.io/layer2-ipv4-node': 'n1' }), [rec('n1', ['192.0.2.10'], 't')]), { 'metallb.io/layer2-ipv4-node': null });
  assert.equal(recordsFor([rec('n1', [], 't'), rec('n2', [], 't', 'db')], 'apps', 'web').length, 1);
});
