// Scraping a program's /metrics as Prometheus would: HTTPS, the CA it was given, the Service name
// as serverName, a bearer token.
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';

export interface Scrape {
  status: number;
  body: string;
}

export function scrape(o: { port: number; host?: string; ca?: string; serverName?: string; token?: string; path?: string }): Promise<Scrape> {
  const headers = o.token ? { authorization: `Bearer ${o.token}` } : {};
  const opts = { host: o.host ?? '127.0.0.1', port: o.port, path: o.path ?? '/metrics', method: 'GET', headers, timeout: 10_000 };
  return new Promise((resolve, reject) => {
    const req = (o.ca ? request({ ...opts, ca: o.ca, servername: o.serverName }) : httpRequest(opts)).on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('scrape timed out')));
    req.end();
  });
}

/** The value of one sample line (`name{labels} value`), label order as prom-client prints it (sorted by the labelNames order). */
export function sample(body: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of body.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have: Record<string, string | undefined> = Object.fromEntries([...(m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((x): [string, string] => [x[1] ?? '', x[2] ?? '']));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[4]);
  }
  return undefined;
}

/** Names with at least one sample (a summary counts by its _count). */
export function sampledNames(body: string): Set<string> {
  const out = new Set<string>();
  for (const line of body.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (m && !line.startsWith('#')) out.add(m[1]!.replace(/_(count|sum)$/, ''));
  }
  return out;
}
