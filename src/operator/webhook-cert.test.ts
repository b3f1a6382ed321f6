import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { caBundleOf, renewal, renewedSecret, webhookNames } from './webhook-cert.js';

const DAY = 86_400_000;

test('issued once, kept while fresh, the serving certificate renewed from the same CA a month before expiry', () => {
  const t0 = new Date('2026-12-07T00:00:00Z');
  const first = renewedSecret(undefined, 'metallb-system', 'all', t0);
  assert.equal(first['type'], 'kubernetes.io/tls');
  assert.equal(renewal(first, 'metallb-system', new Date(t0.getTime() + 300 * DAY)), 'none');
  const late = new Date(t0.getTime() + 340 * DAY);
  assert.equal(renewal(first, 'metallb-system', late), 'leaf', 'under 30 days left');
  const second = renewedSecret(first, 'metallb-system', 'leaf', late);
  assert.equal(caBundleOf(second), caBundleOf(first), 'the caBundle the apiserver trusts does not change');
  assert.equal(renewal(second, 'metallb-system', late), 'none');
  const leaf = new X509Certificate(Buffer.from((second['data'] as Record<string, string>)['tls.crt']!, 'base64').toString());
  for (const n of webhookNames('metallb-system')) assert.equal(leaf.checkHost(n), n);
  assert.equal(renewal(second, 'other-namespace', late), 'leaf', 'names of another namespace');
  assert.equal(renewal(second, 'metallb-system', new Date(t0.getTime() + 3640 * DAY)), 'all', 'the CA itself near its end');
  const broken = { ...second, data: { ...(second['data'] as Record<string, string>), 'tls.crt': Buffer.from('not a certificate').toString('base64') } };
  assert.equal(renewal(broken, 'metallb-system', late), 'leaf');
});
