// The admission webhook's serving certificate for installs without OLM or service-ca: a CA kept
// for ten years and a serving certificate for the webhook Service's names, renewed from the same
// CA a month before it expires, so the caBundle the apiserver trusts does not change on renewal.
// Deciding is pure (now is a parameter); issuing uses node:crypto's randomness.
import { X509Certificate } from 'node:crypto';
import type { Obj } from '../k8s/client.js';
import { WEBHOOK_CERT_SECRET, WEBHOOK_SERVICE } from '../api/object-names.js';
import { issueServing, makeCA } from '../util/x509.js';
import type { KeyAndCert } from '../util/x509.js';

const CA_DAYS = 3650;
const LEAF_DAYS = 365;
const RENEW_BEFORE_MS = 30 * 86_400_000;

/** Every name the apiserver may use for the Service (it dials <service>.<namespace>.svc). */
export function webhookNames(namespace: string): string[] {
  return [`${WEBHOOK_SERVICE}.${namespace}.svc`, `${WEBHOOK_SERVICE}.${namespace}.svc.cluster.local`, `${WEBHOOK_SERVICE}.${namespace}`, WEBHOOK_SERVICE];
}

type Data = Record<string, string>;
const decode = (data: Data | undefined, key: string): string | undefined => (data?.[key] ? Buffer.from(data[key], 'base64').toString('utf8') : undefined);

function parse(pem: string | undefined): X509Certificate | undefined {
  if (!pem) return undefined;
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

const fresh = (c: X509Certificate, now: Date): boolean => new Date(c.validFrom).getTime() <= now.getTime() && new Date(c.validTo).getTime() - now.getTime() > RENEW_BEFORE_MS;

/** What the Secret needs: nothing, a new serving certificate from the same CA, or a new CA too. */
export function renewal(secret: Obj | undefined, namespace: string, now: Date): 'none' | 'leaf' | 'all' {
  const data = secret?.['data'] as Data | undefined;
  const ca = parse(decode(data, 'ca.crt'));
  if (!ca || !ca.ca || !fresh(ca, now) || !decode(data, 'ca.key')) return 'all';
  const leaf = parse(decode(data, 'tls.crt'));
  if (!leaf || !decode(data, 'tls.key') || !leaf.checkIssued(ca) || !leaf.verify(ca.publicKey) || !fresh(leaf, now)) return 'leaf';
  return webhookNames(namespace).every((n) => leaf.checkHost(n, { wildcards: false }) === n) ? 'none' : 'leaf';
}

/** The Secret with a renewed certificate (and CA when `what` is 'all'); the CA's PEM is its caBundle. */
export function renewedSecret(secret: Obj | undefined, namespace: string, what: 'leaf' | 'all', now: Date): Obj {
  const data = secret?.['data'] as Data | undefined;
  const ca: KeyAndCert = what === 'all' ? makeCA(`metallb-webhook-ca.${namespace}`, CA_DAYS, now) : { certPem: decode(data, 'ca.crt')!, keyPem: decode(data, 'ca.key')! };
  const leaf = issueServing(ca, `${WEBHOOK_SERVICE}.${namespace}.svc`, webhookNames(namespace), LEAF_DAYS, now);
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: WEBHOOK_CERT_SECRET, namespace },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(leaf.certPem), 'tls.key': b64(leaf.keyPem), 'ca.crt': b64(ca.certPem), 'ca.key': b64(ca.keyPem) },
  } as Obj;
}

/** The CA bundle of a Secret `renewal` found in order. */
export const caBundleOf = (secret: Obj): string => decode(secret['data'] as Data, 'ca.crt') ?? '';
