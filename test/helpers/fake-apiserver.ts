// For unit tests of the client and the informer: a plain-HTTP server on 127.0.0.1 that records
// every request and answers as the test says, so that paging, 410s, split watch chunks and
// dropped connections can be produced on demand (the real apiserver cannot be made to).
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseKubeConfig } from '../../src/k8s/kubeconfig.js';
import type { KubeConfig } from '../../src/k8s/kubeconfig.js';

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Route = (req: Recorded, res: ServerResponse) => void;

export class FakeApiServer {
  readonly requests: Recorded[] = [];
  private readonly open = new Set<ServerResponse>();
  route: Route = (_req, res) => sendJSON(res, 404, { kind: 'Status', code: 404, reason: 'NotFound', message: 'no route' });

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeApiServer> {
    const server = createServer();
    const fake = new FakeApiServer(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const rec: Recorded = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        fake.requests.push(rec);
        fake.open.add(res);
        res.on('close', () => fake.open.delete(res));
        fake.route(rec, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A configuration pointing at this server, with a static token. */
  config(): KubeConfig {
    const text = `apiVersion: v1
clusters: [{name: fake, cluster: {server: "${this.url}"}}]
users: [{name: u, user: {token: fake-token}}]
contexts: [{name: fake, context: {cluster: fake, user: u, namespace: team}}]
current-context: fake
`;
    return parseKubeConfig(text, '/nonexistent/kubeconfig');
  }

  /** Requests matching a predicate (watches, lists of a path...). */
  matching(pred: (r: Recorded) => boolean): Recorded[] {
    return this.requests.filter(pred);
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function sendJSON(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** A discovery document serving `kinds` (kind → plural; all namespaced unless listed in `cluster`). */
export function discovery(kinds: Record<string, string>, cluster: string[] = []): unknown {
  return { kind: 'APIResourceList', resources: Object.entries(kinds).map(([kind, name]) => ({ name, kind, namespaced: !cluster.includes(kind), verbs: ['get', 'list', 'watch'] })) };
}

/** Polls until `fn` returns a value other than undefined (tests wait for async effects with it). */
export async function eventually<T>(what: string, fn: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
