// Throttling as client-go handles it: a 429 (API Priority and Fairness) is sent again after the
// apiserver's Retry-After, any method; a 5xx with Retry-After only for GET; ten retries at most.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { KubeHttp, HttpError, THROTTLE_RETRIES, throttleWaitMs } from './http.js';
import { FakeApiServer, sendJSON } from '../../test/helpers/fake-apiserver.js';

let server: FakeApiServer;
let http: KubeHttp;
before(async () => {
  server = await FakeApiServer.start();
});
after(async () => {
  http?.close();
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  http?.close();
  http = new KubeHttp(server.config());
});

const tooMany = (res: ServerResponse, retryAfter?: string): void => {
  if (retryAfter !== undefined) res.setHeader('Retry-After', retryAfter);
  sendJSON(res, 429, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 429, reason: 'TooManyRequests', message: 'the server has received too many requests' });
};

test('a 429 with Retry-After is sent again after it (a write too), and succeeds', async () => {
  let n = 0;
  server.route = (_r, res) => (++n <= 2 ? tooMany(res, '1') : sendJSON(res, 200, { ok: true }));
  const t0 = Date.now();
  assert.deepEqual(await http.json('PATCH', '/api/v1/namespaces/x/services/y', { body: {} }), { ok: true });
  const ms = Date.now() - t0;
  assert.equal(server.requests.length, 3);
  assert.equal(http.throttled, 2);
  assert.ok(ms >= 2000, `waited the two Retry-After seconds (${ms} ms)`);
  console.log(`two 429s with Retry-After: 1, answered after ${ms} ms, 3 requests`);
});

test('a 429 without Retry-After is retried with a short exponential backoff', async () => {
  let n = 0;
  server.route = (_r, res) => (++n <= 1 ? tooMany(res) : sendJSON(res, 200, { ok: 1 }));
  assert.deepEqual(await http.json('GET', '/api/v1/nodes'), { ok: 1 });
  assert.equal(server.requests.length, 2);
});

test('after ten retries the 429 reaches the caller', async () => {
  server.route = (_r, res) => tooMany(res, '0');
  await assert.rejects(http.json('GET', '/api/v1/nodes'), (e: unknown) => e instanceof HttpError && e.statusCode === 429);
  assert.equal(server.requests.length, THROTTLE_RETRIES + 1);
});

test('a 5xx with Retry-After: GET is retried, a POST is not (it may have been done)', async () => {
  let n = 0;
  server.route = (r, res) => {
    res.setHeader('Retry-After', '0');
    if (r.method === 'GET' && ++n > 1) return sendJSON(res, 200, { ok: 2 });
    sendJSON(res, 503, { kind: 'Status', code: 503, message: 'unavailable' });
  };
  assert.deepEqual(await http.json('GET', '/api/v1/nodes'), { ok: 2 });
  server.requests.length = 0;
  await assert.rejects(http.json('POST', '/api/v1/namespaces/x/events', { body: {} }), (e: unknown) => e instanceof HttpError && e.statusCode === 503);
  assert.equal(server.requests.length, 1);
});

test('a watch (stream) answered 429 is opened again', async () => {
  let n = 0;
  server.route = (_r, res) => {
    if (++n <= 1) return tooMany(res, '0');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"type":"ADDED","object":{}}\n');
  };
  const res = await http.stream('/api/v1/nodes?watch=1', new AbortController().signal);
  assert.equal(res.statusCode, 200);
  res.resume();
  assert.equal(server.requests.length, 2);
});

test('the wait: Retry-After capped at 10 s and jittered up to +50 %; other errors are not throttling', () => {
  const e = (code: number, retryAfter?: number): HttpError => new HttpError(code, {}, retryAfter);
  assert.equal(throttleWaitMs(e(429, 3), 'PUT', 1, () => 0), 3000);
  assert.equal(throttleWaitMs(e(429, 3), 'PUT', 1, () => 1), 4500);
  assert.equal(throttleWaitMs(e(429, 600), 'GET', 1, () => 0), 10_000);
  assert.equal(throttleWaitMs(e(429, 1), 'GET', THROTTLE_RETRIES + 1), undefined);
  assert.equal(throttleWaitMs(e(409), 'GET', 1), undefined);
  assert.equal(throttleWaitMs(e(500), 'GET', 1), undefined);
  assert.equal(throttleWaitMs(new Error('ECONNRESET'), 'GET', 1), undefined);
});
