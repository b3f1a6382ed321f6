// A TCP/unix-socket forwarder: how the host reaches the pods lab's apiserver without any lab
// address on a host interface. The control plane lives in its own network namespace on the nodes'
// segment (as a control-plane host would); one forwarder inside that namespace listens on a unix
// socket and connects to the apiserver, another in the host's namespace listens on 127.0.0.1 and
// connects to that socket (unix sockets are files, so they cross namespaces). Bytes only: TLS,
// watches and `kubectl exec` upgrades pass through untouched.
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { rmSync } from 'node:fs';

export type Endpoint = { path: string } | { host: string; port: number };

/** `unix:/path` or `tcp:host:port`. */
export function parseEndpoint(text: string): Endpoint {
  if (text.startsWith('unix:')) return { path: text.slice(5) };
  const m = /^tcp:(.+):(\d+)$/.exec(text);
  if (!m) throw new Error(`${text}: not unix:/path or tcp:host:port`);
  return { host: m[1]!, port: Number(m[2]) };
}

const connect = (to: Endpoint): Socket => ('path' in to ? createConnection(to.path) : createConnection(to.port, to.host));

/** Listens on `listen` and pipes every connection to a new one to `to`, both ways, until either ends. */
export function forward(listen: Endpoint, to: Endpoint): Promise<Server> {
  const server = createServer((client) => {
    const upstream = connect(to);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  if ('path' in listen) rmSync(listen.path, { force: true }); // a socket file left by a killed forwarder
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const ready = (): void => resolve(server);
    if ('path' in listen) server.listen(listen.path, ready);
    else server.listen(listen.port, listen.host, ready);
  });
}
