// Self-signed X.509 certificates from node:crypto alone: a CA and a serving certificate it signs,
// for the admission webhook of installs that have neither OLM nor OpenShift's service-ca to issue
// one. node:crypto signs and parses certificates but does not build them, so the DER is written
// here; it covers exactly what a TLS server certificate needs (ECDSA P-256, SHA-256, basic
// constraints, key usage, server auth, subject alternative names) and nothing else.
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ipToBytes, parseIP } from '../net/address.js';

export interface KeyAndCert {
  certPem: string;
  keyPem: string;
}

const der = (tag: number, body: Buffer): Buffer => {
  const n = body.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
};
const seq = (...items: Buffer[]): Buffer => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => der(0x31, Buffer.concat(items));
const explicit = (n: number, inner: Buffer): Buffer => der(0xa0 + n, inner);
const octets = (b: Buffer): Buffer => der(0x04, b);
const utf8 = (s: string): Buffer => der(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean): Buffer => der(0x01, Buffer.from([v ? 0xff : 0]));
const bits = (b: Buffer, unused = 0): Buffer => der(0x03, Buffer.concat([Buffer.from([unused]), b]));

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0 && b[i + 1]! < 0x80) i++;
  const v = b.subarray(i);
  return der(0x02, v[0]! >= 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const out = [40 * a + b];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = arc >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return der(0x06, Buffer.from(out));
}

/** UTCTime until 2049, GeneralizedTime after, as RFC 5280 requires. */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(`${iso.slice(2)}Z`)) : der(0x18, Buffer.from(`${iso}Z`));
}

const name = (cn: string): Buffer => seq(set(seq(oid('2.5.4.3'), utf8(cn))));
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const extension = (id: string, critical: boolean, value: Buffer): Buffer => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

function toPem(label: string, body: Buffer): string {
  const b64 = body.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

interface CertSpec {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signer: KeyObject;
  days: number;
  extensions: Buffer[];
  now: Date;
}

function certificate(c: CertSpec): string {
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const notBefore = new Date(c.now.getTime() - 5 * 60_000); // clock skew between nodes
  const notAfter = new Date(c.now.getTime() + c.days * 86_400_000);
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    ECDSA_SHA256,
    name(c.issuer),
    seq(time(notBefore), time(notAfter)),
    name(c.subject),
    c.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(...c.extensions)),
  );
  return toPem('CERTIFICATE', seq(tbs, ECDSA_SHA256, bits(sign('sha256', tbs, c.signer))));
}

const newKey = (): { publicKey: KeyObject; privateKey: KeyObject } => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyPem = (k: KeyObject): string => k.export({ type: 'pkcs8', format: 'pem' }).toString();

/** A CA that signs certificates only (keyCertSign, cRLSign). */
export function makeCA(cn: string, days: number, now = new Date()): KeyAndCert {
  const k = newKey();
  const certPem = certificate({
    subject: cn, issuer: cn, publicKey: k.publicKey, signer: k.privateKey, days, now,
    extensions: [extension('2.5.29.19', true, seq(bool(true))), extension('2.5.29.15', true, bits(Buffer.from([0x86]), 1))],
  });
  return { certPem, keyPem: keyPem(k.privateKey) };
}

/** A TLS server certificate for `names` (DNS names and IP addresses), signed by `ca`. */
export function issueServing(ca: KeyAndCert, cn: string, names: readonly string[], days: number, now = new Date()): KeyAndCert {
  const k = newKey();
  const sanOf = (n: string): Buffer => {
    const ip = parseIP(n);
    return ip ? der(0x87, Buffer.from(ipToBytes(ip))) : der(0x82, Buffer.from(n, 'ascii'));
  };
  const san = Buffer.concat(names.map(sanOf));
  const certPem = certificate({
    subject: cn, issuer: new X509Certificate(ca.certPem).subject.replace(/^CN=/, ''), publicKey: k.publicKey, signer: createPrivateKey(ca.keyPem), days, now,
    extensions: [
      extension('2.5.29.19', true, seq()),
      extension('2.5.29.15', true, bits(Buffer.from([0xa0]), 5)),
      extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))),
      extension('2.5.29.17', false, seq(san)),
    ],
  });
  return { certPem, keyPem: keyPem(k.privateKey) };
}
