// Two small stand-ins for what a real node has and the lab lacks, each run as its own process:
// - proxy: kube-proxy's part that makes a node accept traffic for LoadBalancer IPs (here: a local
//   route per Service IP in each node namespace);
// - backend: the demo Service's pods (an HTTP server answering with its node's name).
import { createServer } from 'node:http';
import { execFile } from 'node:child_process';
import type { Kube } from '../k8s/client.js';
import { Informer } from '../k8s/informer.js';
import type { Logger } from '../util/log.js';

const ip = (args: string[]): Promise<string> =>
  new Promise((resolve) => execFile('ip', args, (err, stdout) => resolve(err ? '' : stdout)));

/** Many `ip` commands in one process (`ip -batch`): a thousand Services must not cost 2,000 execs. */
const ipBatch = (ns: string, lines: string[]): Promise<void> =>
  new Promise((resolve) => {
    if (lines.length === 0) return resolve();
    const child = execFile('ip', ['-n', ns, '-force', '-batch', '-'], () => resolve());
    child.stdin?.end(`${lines.join('\n')}\n`);
  });

const plen = (a: string): number => (a.includes(':') ? 128 : 32);

/**
 * Our routes' protocol number, so the proxy finds its own. They are `local` routes (the node
 * accepts traffic for the IP, as kube-proxy's rules make it), not addresses on lo: kube-proxy
 * adds none either, and FRR on the node should see what it sees on a real node.
 */
const PROTO = '201';

/** Keeps every LoadBalancer ingress IP accepted locally in each node namespace, and nothing else of ours. */
export async function runProxy(kube: Kube, namespaces: string[], log: Logger): Promise<void> {
  const services = new Informer(kube, { apiVersion: 'v1', kind: 'Service' }, log);
  const sync = async (): Promise<void> => {
    const want = new Set(
      services.list().flatMap((s) => ((s['status'] as { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined)?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((x): x is string => !!x)),
    );
    for (const ns of namespaces) {
      const out = `${await ip(['-n', ns, '-o', 'route', 'show', 'table', 'local', 'type', 'local', 'proto', PROTO])}${await ip(['-n', ns, '-6', '-o', 'route', 'show', 'table', 'local', 'type', 'local', 'proto', PROTO])}`;
      const have = new Set([...out.matchAll(/^local ([0-9a-f.:]+)/gm)].map((m) => m[1]!));
      await ipBatch(ns, [
        ...[...want].filter((a) => !have.has(a)).map((a) => `route replace local ${a}/${plen(a)} dev lo table local proto ${PROTO}`),
        ...[...have].filter((a) => !want.has(a)).map((a) => `route del local ${a}/${plen(a)} dev lo table local proto ${PROTO}`),
      ]);
    }
  };
  // One sync at a time; changes during a sync cause one more after it.
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  const schedule = (): void => {
    if (running) {
      again = true;
      return;
    }
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = true;
      void sync()
        .catch((err: unknown) => log.warn('sync failed', { event: 'lab-proxy-error', error: String(err) }))
        .finally(() => {
          running = false;
          if (again) {
            again = false;
            schedule();
          }
        });
    }, 50);
  };
  services.on(schedule);
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
