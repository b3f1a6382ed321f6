import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { SPEAKER_METRICS_CERT, WEBHOOK_CERT, caBundleOf, renewal, renewedSecret, servingNames } from './serving-cert.js';

const DAY = 86_400_000;

test('issued once, kept while fresh, the serving certificate renewed from the same CA a month before expiry', () => {
  const t0 = new Date('2026-12-07T00:00:00Z');
  const first = renewedSecret(undefined, WEBHOOK_CERT, 'metallb-system', 'all', t0);
  assert.equal(first['type'], 'kubernetes.io/tls');
  assert.equal(renewal(first, WEBHOOK_CERT, 'metallb-system', new Date(t0.getTime() + 300 * DAY)), 'none');
  const late = new Date(t0.getTime() + 340 * DAY);
  assert.equal(renewal(first, WEBHOOK_CERT, 'metallb-system', late), 'leaf', 'under 30 days left');
  const second = renewedSecret(first, WEBHOOK_CERT, 'metallb-system', 'leaf', late);
  assert.equal(caBundleOf(second), caBundleOf(first), 'the caBundle the apiserver trusts does not change');
  assert.equal(renewal(second, WEBHOOK_CERT, 'metallb-system', late), 'none');
  const leaf = new X509Certificate(Buffer.from((second['data'] as Record<string, string>)['tls.crt']!, 'base64').toString());
  for (const n of servingNames('webhook-service', 'metallb-system')) assert.equal(leaf.checkHost(n), n);
  assert.equal(renewal(second, WEBHOOK_CERT, 'other-namespace', late), 'leaf', 'names of another namespace');
  assert.equal(renewal(second, WEBHOOK_CERT, 'metallb-system', new Date(t0.getTime() + 3640 * DAY)), 'all', 'the CA itself near its end');
  const broken = { ...second, data: { ...(second['data'] as Record<string, string>), 'tls.crt': Buffer.from('not a certificate').toString('base64') } };
  assert.equal(renewal(broken, WEBHOOK_CERT, 'metallb-system', late), 'leaf');
});

test('each Secret serves its own Service: a webhook certificate is not a metrics one', () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const metrics = renewedSecret(undefined, SPEAKER_METRICS_CERT, 'metallb-system', 'all', t0);
  assert.equal(metrics.metadata?.name, 'speaker-certs-secret');
  assert.equal(renewal(metrics, SPEAKER_METRICS_CERT, 'metallb-system', t0), 'none');
  assert.equal(renewal(metrics, WEBHOOK_CERT, 'metallb-system', t0), 'leaf');
  const leaf = new X509Certificate(Buffer.from((metrics['data'] as Record<string, string>)['tls.crt']!, 'base64').toString('utf8'));
  assert.equal(leaf.checkHost('speaker-monitor-service.metallb-system.svc'), 'speaker-monitor-service.metallb-system.svc');
});
