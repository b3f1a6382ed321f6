// The programs' HTTP endpoint: /metrics, /healthz (liveness: healthy()) and /readyz (readiness:
// ready(), by default the same). They differ where a process is alive but not yet useful to its
// Service (the controller before its admission webhook serves): not ready keeps it out of the
// endpoints without the kubelet restarting it.
//
// With a certificate directory the endpoint is HTTPS and /metrics needs a bearer token the
// apiserver accepts for `get /metrics` (authz.ts): on a speaker's host network anyone on the node
// network could otherwise read peer addresses, pool usage and session state. The probes stay
// unauthenticated (the kubelet sends no token; they answer "ok" and nothing else).
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Metrics } from './registry.js';
import type { Authorizer } from './authz.js';
import type { Logger } from '../util/log.js';
import { readTlsDir, reloadTlsDir } from '../util/tls-files.js';
import { errorMessage } from '../util/errors.js';

/** Where a program serves /metrics and its probes (its `--metrics-address` and `--metrics-cert-dir`). */
export interface MetricsAddress {
  host: string;
  port: number;
  /** HTTPS from tls.crt/tls.key in this directory, re-read when they change; /metrics then needs a token. */
  certDir?: string;
}

export interface MetricsServerOptions extends MetricsAddress {
  healthy: () => boolean;
  ready?: () => boolean;
  /** Required with certDir: who may read /metrics. */
  authorize?: Authorizer;
  certPollMs?: number;
  log?: Logger;
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

export async function serveMetrics(metrics: Metrics, o: MetricsServerOptions): Promise<MetricsServer> {
  const ready = o.ready ?? o.healthy;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/healthz' || path === '/readyz') {
      const ok = path === '/healthz' ? o.healthy() : ready();
      res.writeHead(ok ? 200 : 503);
      res.end(ok ? 'ok\n' : 'not ready\n');
      return;
    }
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404);
      res.end();
      return;
    }
    if (o.authorize) {
      const v = await o.authorize(req.headers.authorization, path);
      if (!v.ok) {
        o.log?.info('metrics scrape refused', { event: 'metrics-refused', code: v.code, reason: v.reason });
        res.writeHead(v.code, { 'Content-Type': 'text/plain' });
        res.end(`${v.code === 401 ? 'Unauthorized' : v.code === 403 ? 'Forbidden' : 'Service Unavailable'}: ${v.reason}\n`);
        return;
      }
    }
    const body = await metrics.text();
    res.writeHead(200, { 'Content-Type': metrics.contentType });
    res.end(body);
  };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(`${errorMessage(err)}\n`);
    });
  };
  let server: Server;
  let reload: NodeJS.Timeout | undefined;
  if (o.certDir !== undefined) {
    if (!o.authorize) throw new Error('metrics over HTTPS need an authorizer');
    const tls = readTlsDir(o.certDir);
    if (!tls) throw new Error(`no metrics serving certificate in ${o.certDir} (tls.crt and tls.key)`);
    const https = createHttpsServer({ cert: tls.cert, key: tls.key }, listener);
    if (o.log) reload = reloadTlsDir(https, o.certDir, tls, o.certPollMs ?? 10_000, o.log, 'metrics');
    server = https;
  } else server = createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : o.port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(reload);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
