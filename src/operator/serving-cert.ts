// Serving certificates for installs without OLM or service-ca (the admission webhook, the metrics
// endpoints): per Secret, a CA kept for ten years and a serving certificate for its Service's
// names, renewed from the same CA a month before it expires, so the CA bundle the apiserver (or
// Prometheus) trusts does not change on renewal. Deciding is pure (now is a parameter); issuing
// uses node:crypto's randomness.
import { X509Certificate } from 'node:crypto';
import type { Obj } from '../k8s/client.js';
import { CONTROLLER_METRICS_SECRET, CONTROLLER_METRICS_SERVICE, SPEAKER_METRICS_SECRET, SPEAKER_METRICS_SERVICE, WEBHOOK_CERT_SECRET, WEBHOOK_SERVICE } from '../api/object-names.js';
import { issueServing, makeCA } from '../util/x509.js';
import type { KeyAndCert } from '../util/x509.js';

const CA_DAYS = 3650;
const LEAF_DAYS = 365;
const RENEW_BEFORE_MS = 30 * 86_400_000;

/** A certificate's Secret and the Service whose names it serves. */
export interface Served {
  secret: string;
  service: string;
}

export const WEBHOOK_CERT: Served = { secret: WEBHOOK_CERT_SECRET, service: WEBHOOK_SERVICE };
export const CONTROLLER_METRICS_CERT: Served = { secret: CONTROLLER_METRICS_SECRET, service: CONTROLLER_METRICS_SERVICE };
export const SPEAKER_METRICS_CERT: Served = { secret: SPEAKER_METRICS_SECRET, service: SPEAKER_METRICS_SERVICE };

/** Every name a client may use for the Service (the apiserver dials <service>.<namespace>.svc; a ServiceMonitor sets serverName to it). */
export function servingNames(service: string, namespace: string): string[] {
  return [`${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`, `${service}.${namespace}`, service];
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

const fresh = (c: X509Certificate, now: Date): boolean =>
  new Date(c.validFrom).getTime() <= now.getTime() && new Date(c.validTo).getTime() - now.getTime() > RENEW_BEFORE_MS;

/** What the Secret needs: nothing, a new serving certificate from the same CA, or a new CA too. */
export function renewal(secret: Obj | undefined, served: Served, namespace: string, now: Date): 'none' | 'leaf' | 'all' {
  const data = secret?.['data'] as Data | undefined;
  const ca = parse(decode(data, 'ca.crt'));
  if (!ca || !ca.ca || !fresh(ca, now) || !decode(data, 'ca.key')) return 'all';
  const leaf = parse(decode(data, 'tls.crt'));
  if (!leaf || !decode(data, 'tls.key') || !leaf.checkIssued(ca) || !leaf.verify(ca.publicKey) || !fresh(leaf, now)) return 'leaf';
  return servingNames(served.service, namespace).every((n) => leaf.checkHost(n, { wildcards: false }) === n) ? 'none' : 'leaf';
}

/** The Secret with a renewed certificate (and CA when `what` is 'all'); the CA's PEM is its caBundle. */
export function renewedSecret(secret: Obj | undefined, served: Served, namespace: string, what: 'leaf' | 'all', now: Date): Obj {
  const data = secret?.['data'] as Data | undefined;
  const ca: KeyAndCert = what === 'all' ? makeCA(`metallb-${served.service}-ca.${namespace}`, CA_DAYS, now) : { certPem: decode(data, 'ca.crt')!, keyPem: decode(data, 'ca.key')! };
  const leaf = issueServing(ca, `${served.service}.${namespace}.svc`, servingNames(served.service, namespace), LEAF_DAYS, now);
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: served.secret, namespace },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(leaf.certPem), 'tls.key': b64(leaf.keyPem), 'ca.crt': b64(ca.certPem), 'ca.key': b64(ca.keyPem) },
  };
}

/** The CA bundle of a Secret `renewal` found in order. */
export const caBundleOf = (secret: Obj): string => decode(secret['data'] as Data, 'ca.crt') ?? '';
