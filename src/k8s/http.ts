// HTTP to the apiserver on node:https (node:http for an http:// server): one pool of kept-alive
// connections, the kubeconfig's TLS settings and credentials, JSON in and out, and responses
// streamed for watches. No client library: @kubernetes/client-node alone costs a speaker ~55 MB
// (docs/adr/0009-own-kubernetes-http-client.md).
import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { clientNodeAuth } from './auth-fallback.js';
import type { ApplyAuth } from './auth-fallback.js';
import type { KubeConfig } from './kubeconfig.js';
import { retryDelayMs } from './backoff.js';

/** A response with status ≥ 400; `body` is the apiserver's Status when it sent JSON, else the text. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: unknown,
    /** The Retry-After header's seconds, when the apiserver sent one (API Priority and Fairness: 429). */
    readonly retryAfterSeconds?: number,
  ) {
    const detail = typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : typeof body === 'string' ? body.trim() : '';
    super(`HTTP ${statusCode}: ${detail}`);
    this.name = 'HttpError';
  }
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Fails the request when the connection is silent that long (default 60 s; 0 for watches). */
  idleTimeoutMs?: number;
}

const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * Throttled requests (as client-go): a 429 is retried whatever the method (API Priority and
 * Fairness rejects it before any work is done), a 5xx carrying Retry-After only for GET. The wait
 * is the apiserver's Retry-After (capped), else exponential; both jittered so that every speaker
 * throttled at once does not come back in step. Ten retries, then the error goes to the caller.
 */
export const THROTTLE_RETRIES = 10;
const RETRY_AFTER_CAP_S = 10;

export function throttleWaitMs(err: unknown, method: string, attempt: number, random: () => number = Math.random): number | undefined {
  if (!(err instanceof HttpError) || attempt > THROTTLE_RETRIES) return undefined;
  const throttled = err.statusCode === 429 || (err.statusCode >= 500 && err.retryAfterSeconds !== undefined && method === 'GET');
  if (!throttled) return undefined;
  if (err.retryAfterSeconds !== undefined) return Math.floor(Math.min(err.retryAfterSeconds, RETRY_AFTER_CAP_S) * 1000 * (1 + random() / 2));
  return retryDelayMs(attempt, 200, 5000, random);
}

function retryAfterOf(res: IncomingMessage): number | undefined {
  const v = res.headers['retry-after'];
  const n = typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

const wait = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export class KubeHttp {
  /** Kept-alive connections: a TLS handshake per write would dominate the cost of a write. */
  private readonly agent: http.Agent;
  private readonly secure: boolean;
  private fallback: Promise<ApplyAuth> | undefined;
  /** Requests answered 429 (or 5xx with Retry-After) and sent again: what a test or a metric reads. */
  throttled = 0;

  constructor(readonly config: KubeConfig) {
    this.secure = new URL(config.server).protocol === 'https:';
    this.agent = this.secure
      ? new https.Agent({ keepAlive: true, maxSockets: 64, ...config.tlsOptions() })
      : new http.Agent({ keepAlive: true, maxSockets: 64 });
  }

  /** A request whose answer is JSON; rejects with HttpError on status ≥ 400. */
  async json(method: string, path: string, o: RequestOptions = {}): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.onceOrReconnect(method, path, o);
      } catch (err) {
        const ms = throttleWaitMs(err, method, attempt);
        if (ms === undefined) throw err;
        this.throttled++;
        await wait(ms, o.signal);
      }
    }
  }

  /** A streamed GET (a watch): resolves with the response once its status is 2xx. */
  async stream(path: string, signal: AbortSignal): Promise<IncomingMessage> {
    for (let attempt = 1; ; attempt++) {
      const req = this.send('GET', path, await this.auth(), undefined, signal, 0);
      const res = await responseOf(req);
      if ((res.statusCode ?? 500) < 400) return res;
      const err = new HttpError(res.statusCode ?? 500, parse(await readAll(res)), retryAfterOf(res));
      const ms = throttleWaitMs(err, 'GET', attempt);
      if (ms === undefined) throw err;
      this.throttled++;
      await wait(ms, signal);
    }
  }

  private async onceOrReconnect(method: string, path: string, o: RequestOptions): Promise<unknown> {
    try {
      return await this.once(method, path, o);
    } catch (err) {
      // A kept-alive connection the server closed just as we reused it: the request never got
      // there, so sending it again on a new connection is safe (POST excepted, to be sure).
      const reset = (err as { reusedSocket?: boolean }).reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET';
      if (method !== 'POST' && reset) return this.once(method, path, o);
      throw err;
    }
  }

  /** Closes the kept-alive connections (a stopped program should not wait for them). */
  close(): void {
    this.agent.destroy();
  }

  private async once(method: string, path: string, o: RequestOptions): Promise<unknown> {
    const auth = await this.auth();
    const payload = o.body === undefined ? undefined : Buffer.from(JSON.stringify(o.body));
    if (payload) {
      auth.headers['Content-Type'] = o.contentType ?? 'application/json';
      auth.headers['Content-Length'] = String(payload.length);
    }
    const req = this.send(method, path, auth, payload, o.signal, o.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
    let res: IncomingMessage;
    try {
      res = await responseOf(req);
    } catch (err) {
      if (err && typeof err === 'object') Object.assign(err, { reusedSocket: req.reusedSocket });
      throw err;
    }
    const parsed = parse(await readAll(res));
    if ((res.statusCode ?? 500) >= 400) throw new HttpError(res.statusCode ?? 500, parsed, retryAfterOf(res));
    // Error pages are not always JSON ("404 page not found"), but a success must be.
    if (typeof parsed === 'string') throw new Error(`expected JSON from ${path}, got: ${parsed.slice(0, 200)}`);
    return parsed;
  }

  private send(
    method: string,
    path: string,
    auth: Auth,
    payload: Buffer | undefined,
    signal: AbortSignal | undefined,
    idleTimeoutMs: number,
  ): http.ClientRequest {
    const opts: https.RequestOptions = { ...auth.tls, agent: this.agent, method, headers: auth.headers };
    if (signal) opts.signal = signal;
    const req = (this.secure ? https : http).request(`${this.config.server}${path}`, opts);
    if (idleTimeoutMs > 0) req.setTimeout(idleTimeoutMs, () => req.destroy(new Error(`no answer from the apiserver in ${idleTimeoutMs} ms (${method} ${path.split('?')[0]})`)));
    req.end(payload);
    return req;
  }

  /** Headers (and, from a credential plugin, TLS material) that authenticate the next request. */
  private async auth(): Promise<Auth> {
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'metallb' };
    if (this.config.user.fallback) {
      this.fallback ??= clientNodeAuth(this.config);
      const opts: https.RequestOptions = { headers: {} };
      await (await this.fallback)(opts);
      for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string') headers[k] = v;
      const tls: https.RequestOptions = {};
      // A plugin may answer with a client certificate rather than a token.
      if (opts.cert) tls.cert = opts.cert;
      if (opts.key) tls.key = opts.key;
      if (opts.auth) tls.auth = opts.auth;
      return { headers, tls };
    }
    const authorization = this.config.authorization();
    if (authorization) headers['Authorization'] = authorization;
    return { headers, tls: {} };
  }
}

interface Auth {
  headers: Record<string, string>;
  tls: https.RequestOptions;
}

function responseOf(req: http.ClientRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
    res.once('aborted', () => reject(new Error('the apiserver closed the connection mid-response')));
  });
}

function parse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
