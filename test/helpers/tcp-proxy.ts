// A TCP proxy in front of the apiserver that a test can cut and heal: a real network partition of
// one client (its watches and requests fail as they would on a lost link), everyone else unaffected.
import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import yaml from 'js-yaml';

export interface TcpProxy {
  /** A copy of the kubeconfig whose server is this proxy. */
  kubeconfigPath: string;
  cut(): void;
  heal(): void;
  /**
   * Stops forwarding on every connection open now, in both directions, without closing them (a
   * half-open link: a watch on it delivers nothing and never ends); new connections work.
   */
  stallOpen(): number;
  close(): Promise<void>;
}

export async function proxyKubeconfig(kubeconfigPath: string, outPath: string): Promise<TcpProxy> {
  const doc = yaml.load(readFileSync(kubeconfigPath, 'utf8')) as { clusters: { cluster: { server: string } }[] };
  const target = new URL(doc.clusters[0]!.cluster.server);
  const open = new Set<Socket>();
  const stalled = new Set<Socket>();
  let cut = false;
  const server: Server = createServer((client) => {
    if (cut) return void client.destroy();
    const upstream = connect(Number(target.port), target.hostname);
    open.add(client).add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  for (const c of doc.clusters) c.cluster.server = `https://127.0.0.1:${port}`;
  writeFileSync(outPath, yaml.dump(doc));
  return {
    kubeconfigPath: outPath,
    cut(): void {
      cut = true;
      for (const s of open) s.destroy();
      open.clear();
    },
    heal(): void {
      cut = false;
    },
    stallOpen(): number {
      for (const s of open) {
        s.unpipe();
        s.pause();
        stalled.add(s);
      }
      const n = open.size / 2;
      // Not destroyed: they stay open until the client gives up on them (or close()).
      open.clear();
      return n;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of [...open, ...stalled]) s.destroy();
        server.close(() => r());
      }),
  };
}
