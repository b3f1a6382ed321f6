// Two small stand-ins for what a real node has and the lab lacks, each run as its own process:
// - proxy: kube-proxy's part that makes a node accept traffic for LoadBalancer IPs (here: the
//   Service IPs on each node namespace's lo);
// - backend: the demo Service's pods (an HTTP server answering with its node's name).
import { createServer } from 'node:http';
import { execFile } from 'node:child_process';
import type { Kube } from '../k8s/client.js';
import { Informer } from '../k8s/informer.js';
import type { Logger } from '../util/log.js';

const ip = (args: string[]): Promise<string> =>
  new Promise((resolve) => execFile('ip', args, (err, stdout) => resolve(err ? '' : stdout)));

/** Keeps every LoadBalancer ingress IP on lo of each node namespace, and nothing else of ours. */
export async function runProxy(kube: Kube, namespaces: string[], log: Logger): Promise<void> {
  const services = new Informer(kube, { apiVersion: 'v1', kind: 'Service' }, log);
  const sync = async (): Promise<void> => {
    const want = new Set(
      services.list().flatMap((s) => ((s['status'] as { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined)?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((x): x is string => !!x)),
    );
    for (const ns of namespaces) {
      const have = new Set([...(await ip(['netns', 'exec', ns, 'ip', '-o', 'addr', 'show', 'dev', 'lo', 'label', 'lo:lb'])).matchAll(/inet6? ([0-9a-f.:]+)\//g)].map((m) => m[1]!));
      for (const a of want) if (!have.has(a)) await ip(['netns', 'exec', ns, 'ip', 'addr', 'add', `${a}/${a.includes(':') ? 128 : 32}`, 'dev', 'lo', ...(a.includes(':') ? [] : ['label', 'lo:lb'])]);
      for (const a of have) if (!want.has(a)) await ip(['netns', 'exec', ns, 'ip', 'addr', 'del', `${a}/32`, 'dev', 'lo']);
    }
  };
  let pending = false;
  services.on(() => {
    if (pending) return;
    pending = true;
    setTimeout(() => {
      pending = false;
      void sync();
    }, 50);
  });
  services.start();
  await services.synced;
  await sync();
}

export function runBackend(name: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`${name}\n`);
    });
    srv.once('error', reject);
    srv.listen(port, '0.0.0.0', () => resolve());
  });
}
