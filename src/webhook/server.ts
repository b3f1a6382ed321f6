// The validating admission webhook's HTTPS endpoint, served by every controller replica (leader or
// not: admission must not wait for an election), and BGPPeer's conversion webhook (/convert). Each review reads the namespace's objects from
// the apiserver at that moment, not from an informer cache: GitOps applies a pool and the
// advertisement naming it milliseconds apart, and a lagging cache would refuse the second.
// The serving certificate is re-read when its files change (OLM, service-ca and the operator all
// rotate it by rewriting the mounted files), without a restart.
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Kube, Obj } from '../k8s/client.js';
import type { Logger } from '../util/log.js';
import { errorMessage } from '../util/errors.js';
import { readTlsDir, reloadTlsDir } from '../util/tls-files.js';
import { decide } from './admission.js';
import type { AdmissionRequest, Decision } from './admission.js';
import { convertReview } from './conversion.js';
import type { ConversionRequest } from './conversion.js';

/** What a review compares against: every kind a cross-object rule reads. */
const STORED_KINDS: readonly [apiVersion: string, kind: string][] = [
  ['metallb.io/v1beta1', 'IPAddressPool'],
  ['metallb.io/v1beta1', 'AddressPool'],
  ['metallb.io/v1beta2', 'BGPPeer'],
  ['metallb.io/v1beta1', 'BFDProfile'],
  ['metallb.io/v1beta1', 'BGPAdvertisement'],
  ['metallb.io/v1beta1', 'L2Advertisement'],
  ['metallb.io/v1beta1', 'Community'],
];

/** controller-runtime's default, which OLM's webhook certificate mount also fills (tls.crt, tls.key). */
export const DEFAULT_WEBHOOK_CERT_DIR = '/tmp/k8s-webhook-server/serving-certs';
export const DEFAULT_WEBHOOK_PORT = 9443;
/** BGPPeer's conversion endpoint (kubebuilder's path, which upstream's CRD names). */
export const CONVERT_PATH = '/convert';
const MAX_BODY = 4 << 20;
const CERT_POLL_MS = 10_000;

export interface WebhookOptions {
  kube: Kube;
  log: Logger;
  /** The installation's namespace: objects elsewhere are not ours and are allowed untouched. */
  namespace: string;
  host: string;
  port: number;
  certDir: string;
  /** How often the certificate files are re-read (default 10 s). */
  certPollMs?: number;
}

export interface WebhookHandle {
  port: number;
  stop(): Promise<void>;
}

async function stored(kube: Kube, namespace: string): Promise<Obj[]> {
  const lists = await Promise.all([...STORED_KINDS.map(([v, k]) => kube.list<Obj>(v, k, namespace)), kube.list<Obj>('v1', 'Node')]);
  // Nodes are reduced to what the peer rules read: names and labels.
  const nodes = lists.pop()!.map((n): Obj => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: n.metadata?.name ?? '', labels: n.metadata?.labels ?? {} } }));
  return [...lists.flat(), ...nodes];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error(`request body over ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The review in the request body; undefined once a 400 has been answered (not JSON, too large). */
async function readReview<R>(req: IncomingMessage, res: ServerResponse, kind: string): Promise<{ request?: R } | undefined> {
  try {
    return JSON.parse(await readBody(req)) as { request?: R };
  } catch (err) {
    reply(res, 400, { error: `not ${kind === 'AdmissionReview' ? 'an' : 'a'} ${kind}: ${errorMessage(err)}` });
    return undefined;
  }
}

function reply(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function review(uid: string, d: Decision, code = 403): unknown {
  const response: Record<string, unknown> = { uid, allowed: d.allowed };
  if (!d.allowed) response['status'] = { code, reason: code === 403 ? 'Forbidden' : 'InternalError', message: d.message ?? 'refused' };
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

/** Conversion needs no reads: every replica answers from the objects in the review alone. */
async function convert(req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> {
  const cr = await readReview<ConversionRequest>(req, res, 'ConversionReview');
  if (!cr) return;
  const r = cr.request;
  if (!r?.uid || !r.desiredAPIVersion || !Array.isArray(r.objects)) return reply(res, 400, { error: 'ConversionReview without request.uid, desiredAPIVersion and objects' });
  const response = convertReview(r);
  if (response.result.status === 'Failure') log.warn('conversion refused', { event: 'conversion-failed', to: r.desiredAPIVersion, reason: response.result.message });
  reply(res, 200, { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response });
}

export async function startWebhook(o: WebhookOptions): Promise<WebhookHandle> {
  const tls = readTlsDir(o.certDir);
  if (!tls) throw new Error(`no serving certificate in ${o.certDir} (tls.crt and tls.key): the webhook cannot start`);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method === 'GET' && req.url === '/healthz') return reply(res, 200, { ok: true });
    // The apiserver appends ?timeout=...: the path alone decides.
    if (req.method === 'POST' && req.url?.split('?')[0] === CONVERT_PATH) return convert(req, res, o.log);
    if (req.method !== 'POST' || !req.url?.startsWith('/validate')) return reply(res, 404, { error: 'not found' });
    const ar = await readReview<AdmissionRequest>(req, res, 'AdmissionReview');
    if (!ar) return;
    const r = ar.request;
    if (!r?.uid || !r.kind?.kind) return reply(res, 400, { error: 'AdmissionReview without request.uid and request.kind' });
    if (r.kind.group !== 'metallb.io' || r.namespace !== o.namespace) return reply(res, 200, review(r.uid, { allowed: true }));
    let d: Decision;
    try {
      d = decide(r, await stored(o.kube, o.namespace));
    } catch (err) {
      // Refused rather than waved through: failurePolicy Fail means the user would rather retry.
      o.log.error('admission review failed', { event: 'admission-error', kind: r.kind.kind, name: r.name, error: errorMessage(err) });
      return reply(res, 200, review(r.uid, { allowed: false, message: `the MetalLB webhook could not read the current configuration: ${errorMessage(err)}` }, 500));
    }
    if (!d.allowed) o.log.info('admission denied', { event: 'admission-denied', kind: r.kind.kind, name: r.name, operation: r.operation, reason: d.message });
    reply(res, 200, review(r.uid, d));
  };
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      o.log.error('admission handler failed', { event: 'admission-error', error: errorMessage(err) });
      if (!res.headersSent) reply(res, 500, { error: errorMessage(err) });
    });
  });
  const poll = reloadTlsDir(server, o.certDir, tls, o.certPollMs ?? CERT_POLL_MS, o.log, 'webhook');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  o.log.info('admission webhook serving', { event: 'webhook-listening', host: o.host, port, certDir: o.certDir });
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        clearInterval(poll);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface KeptWebhook {
  /** The server once it serves (undefined while its certificate is missing). */
  current(): WebhookHandle | undefined;
  stop(): Promise<void>;
}

/**
 * startWebhook, retried every 5 s until it serves: a certificate that is not there yet (its
 * Secret not written, a volume not projected) must not stop the program that serves it.
 */
export async function keepServing(o: WebhookOptions): Promise<KeptWebhook> {
  let handle: WebhookHandle | undefined;
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = async (): Promise<void> => {
    if (stopped) return;
    try {
      handle = await startWebhook(o);
    } catch (err) {
      o.log.error('admission webhook not serving; retrying in 5 s', { event: 'webhook-error', error: errorMessage(err) });
      retry = setTimeout(() => void attempt(), 5000);
    }
  };
  await attempt();
  return {
    current: () => handle,
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(retry);
      await handle?.stop();
    },
  };
}
