import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { issueServing, makeCA } from './x509.js';

test('a CA and a serving certificate that OpenSSL verifies, for every name and address given', () => {
  const now = new Date('2026-12-07T00:00:00Z');
  const ca = makeCA('metallb-webhook-ca', 3650, now);
  const leaf = issueServing(ca, 'webhook-service.metallb-system.svc', ['webhook-service.metallb-system.svc', 'webhook-service', '127.0.0.1', 'fd00::1'], 365, now);
  const c = new X509Certificate(ca.certPem);
  const l = new X509Certificate(leaf.certPem);
  assert.equal(c.ca, true);
  assert.equal(l.ca, false);
  assert.ok(l.checkIssued(c) && l.verify(c.publicKey), 'signed by the CA');
  assert.ok(c.verify(c.publicKey), 'the CA is self-signed');
  assert.equal(l.checkHost('webhook-service.metallb-system.svc'), 'webhook-service.metallb-system.svc');
  assert.equal(l.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(l.checkIP('fd00::1'), 'fd00::1');
  assert.equal(l.checkHost('other.example'), undefined);
  assert.equal(new Date(l.validTo).toISOString(), '2027-12-07T00:00:00.000Z');
  assert.match(l.subjectAltName ?? '', /DNS:webhook-service, IP Address:127\.0\.0\.1, IP Address:FD00:0:0:0:0:0:0:1/);
  // openssl's own verifier, with the purpose a TLS server needs (key usage and EKU are checked).
  const dir = mkdtempSync(join(tmpdir(), 'x509-'));
  try {
    writeFileSync(join(dir, 'ca.crt'), ca.certPem);
    writeFileSync(join(dir, 'leaf.crt'), leaf.certPem);
    const out = execFileSync('openssl', ['verify', '-attime', String(Math.floor(now.getTime() / 1000) + 60), '-purpose', 'sslserver', '-CAfile', join(dir, 'ca.crt'), join(dir, 'leaf.crt')], { encoding: 'utf8' });
    assert.match(out, /leaf\.crt: OK/);
    // A leaf of another CA is refused: the test can fail.
    const other = makeCA('other', 1, now);
    writeFileSync(join(dir, 'other.crt'), other.certPem);
    assert.throws(() => execFileSync('openssl', ['verify', '-attime', String(Math.floor(now.getTime() / 1000) + 60), '-CAfile', join(dir, 'other.crt'), join(dir, 'leaf.crt')], { stdio: 'pipe' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
