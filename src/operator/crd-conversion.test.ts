import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conversionPatch, pointsAt } from './crd-conversion.js';
import type { Obj } from '../k8s/client.js';

const crd = (conversion: Record<string, unknown>, annotations?: Record<string, string>): Obj =>
  ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'bgppeers.metallb.io', ...(annotations ? { annotations } : {}) }, spec: { conversion } });
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const b64 = Buffer.from(CA).toString('base64');
const ours = (ns: string, caBundle?: string): Record<string, unknown> => ({
  strategy: 'Webhook',
  webhook: { conversionReviewVersions: ['v1'], clientConfig: { service: { namespace: ns, name: 'webhook-service', path: '/convert', port: 443 }, ...(caBundle ? { caBundle } : {}) } },
});

test('strategy None → our controller /convert with the CA, then nothing more to do', () => {
  const patch = conversionPatch(crd({ strategy: 'None' }), 'metallb-system', { namespace: 'metallb-system', service: 'webhook-service', port: 443, caBundle: CA });
  assert.deepEqual(patch, { metadata: { annotations: { 'service.beta.openshift.io/inject-cabundle': null } }, spec: { conversion: ours('metallb-system', b64) } });
  assert.equal(conversionPatch(crd(ours('metallb-system', b64)), 'metallb-system', { namespace: 'metallb-system', service: 'webhook-service', port: 443, caBundle: CA }), undefined);
  assert.ok(conversionPatch(crd(ours('metallb-system', 'b2xk')), 'metallb-system', { namespace: 'metallb-system', service: 'webhook-service', port: 443, caBundle: CA }), 'a renewed CA is written');
});

test('service-ca: no caBundle of ours, the injection annotation instead (the injected bundle is kept)', () => {
  const patch = conversionPatch(crd({ strategy: 'None' }), 'openshift-metallb', { namespace: 'openshift-metallb', service: 'webhook-service', port: 443 });
  assert.deepEqual(patch, { metadata: { annotations: { 'service.beta.openshift.io/inject-cabundle': 'true' } }, spec: { conversion: ours('openshift-metallb') } });
  const injected = crd(ours('openshift-metallb', 'aW5qZWN0ZWQ='), { 'service.beta.openshift.io/inject-cabundle': 'true' });
  assert.equal(conversionPatch(injected, 'openshift-metallb', { namespace: 'openshift-metallb', service: 'webhook-service', port: 443 }), undefined);
});

test('going away: back to None only if it points at us; another installation\'s is left alone', () => {
  assert.deepEqual(conversionPatch(crd(ours('metallb-system', b64)), 'metallb-system', undefined), { spec: { conversion: { strategy: 'None', webhook: null } } });
  assert.equal(conversionPatch(crd(ours('metallb-other', b64)), 'metallb-system', undefined), undefined);
  assert.equal(conversionPatch(crd({ strategy: 'None' }), 'metallb-system', undefined), undefined);
  assert.equal(pointsAt(crd(ours('metallb-system')), 'metallb-system'), true);
  assert.equal(pointsAt(crd({ strategy: 'None' }), 'metallb-system'), false);
});

test('under OLM: the CSV webhook server\'s Service and port, OLM\'s CA; pointsAt knows it as ours', () => {
  const target = { namespace: 'metallb-system', service: 'metallb-operator-webhook-server-service', port: 9443, caBundle: CA } as const;
  const patch = conversionPatch(crd(ours('metallb-system', b64)), 'metallb-system', target) as { spec: { conversion: { webhook: { clientConfig: { service: unknown } } } } };
  assert.deepEqual(patch.spec.conversion.webhook.clientConfig.service, { namespace: 'metallb-system', name: 'metallb-operator-webhook-server-service', path: '/convert', port: 9443 });
  const switched = crd({ strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { service: { namespace: 'metallb-system', name: 'metallb-operator-webhook-server-service', path: '/convert', port: 9443 }, caBundle: b64 } } });
  assert.equal(conversionPatch(switched, 'metallb-system', target), undefined);
  assert.equal(pointsAt(switched, 'metallb-system'), true);
});
