// The layer 2 network, in namespaces: bridges br0 and br1 (in namespace `br`), three nodes n1..n3
// each with eth0 on br0 and eth1 on br1, a client c0 on br0 and a client c1 on br1. Each node has
// its FRR (the speaker's sidecar) and a speaker process (`metallb speaker`, in the root namespace
// so it reaches the apiserver on loopback, with its layer 2 sockets in the node's namespace).
// Service IPs go on every node's lo, as kube-proxy would make a node accept them, with strict ARP
// (arp_ignore=1, arp_announce=2) so that the kernels never answer ARP for them: answers come from
// the speakers only.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Lab } from '../../src/lab/netns.js';
import type { FrrInstance } from '../../src/lab/netns.js';
import { startProc, stopProc } from '../../src/lab/procs.js';
import type { ProcState } from '../../src/lab/procs.js';
import { repoRoot } from '../../src/util/repo-root.js';

const run = promisify(execFile);

export const NET4 = ['192.168.77', '192.168.78'] as const;
export const NET6 = ['fc00:77::', 'fc00:78::'] as const;
/** Pool prefixes outside the node subnets (seeds 000 and 004) the clients reach on-link. */
export const ONLINK = ['10.19.140.0/24', '10.128.54.0/24'];

export interface L2Node {
  name: string;
  ns: string;
  /** MAC of eth0 and eth1: 02:4c:32:00:0<i>:0<eth>. */
  macs: [string, string];
  frr: FrrInstance;
  speaker?: ProcState;
}

export interface L2Lab {
  lab: Lab;
  nodes: L2Node[];
  /** c0 on br0 (eth0 side), c1 on br1 (eth1 side). */
  clients: [string, string];
  kubeconfig: string;
  namespace: string;
  logDir: string;
}

export const nodeMAC = (i: number, eth: number): string => `02:4c:32:00:0${i}:0${eth}`;

export async function startL2Lab(tag: string, kubeconfig: string, namespace: string, names: string[]): Promise<L2Lab> {
  const lab = new Lab(tag);
  try {
    const br = await lab.namespace('br');
    await lab.exec(br, ['ip', 'link', 'add', 'br0', 'type', 'bridge']);
    await lab.exec(br, ['ip', 'link', 'add', 'br1', 'type', 'bridge']);
    const ports: [string[], string[]] = [[], []];
    const nodes: L2Node[] = [];
    for (const [k, name] of names.entries()) {
      const i = k + 1;
      const ns = await lab.namespace(`n${i}`);
      for (const eth of [0, 1]) {
        await lab.veth(ns, `eth${eth}`, br, `n${i}e${eth}`);
        await lab.exec(ns, ['ip', 'link', 'set', `eth${eth}`, 'address', nodeMAC(i, eth)]);
        await lab.addr(ns, `eth${eth}`, `${NET4[eth]}.1${i}/24`);
        await lab.addr(ns, `eth${eth}`, `${NET6[eth]}1${i}/64`);
        ports[eth as 0 | 1].push(`n${i}e${eth}`);
      }
      await lab.exec(ns, ['sysctl', '-qw', 'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2', 'net.ipv4.conf.default.arp_ignore=1', 'net.ipv4.conf.default.arp_announce=2']);
      nodes.push({ name, ns, macs: [nodeMAC(i, 0), nodeMAC(i, 1)], frr: await lab.startFrr(ns) });
    }
    const clients: string[] = [];
    for (const eth of [0, 1]) {
      const c = await lab.namespace(`c${eth}`);
      await lab.veth(c, 'eth0', br, `c${eth}`);
      ports[eth as 0 | 1].push(`c${eth}`);
      await lab.addr(c, 'eth0', `${NET4[eth]}.100/24`);
      await lab.addr(c, 'eth0', `${NET6[eth]}100/64`);
      for (const p of ONLINK) await lab.exec(c, ['ip', 'route', 'add', p, 'dev', 'eth0']);
      // the other side's subnet is on-link too: a client asking for an IP on the wrong interface
      await lab.exec(c, ['ip', 'route', 'add', `${NET4[1 - eth]}.0/24`, 'dev', 'eth0']);
      await lab.exec(c, ['ip', '-6', 'route', 'add', `${NET6[1 - eth]}/64`, 'dev', 'eth0']);
      clients.push(c);
    }
    for (const eth of [0, 1]) {
      for (const p of ports[eth as 0 | 1]) await lab.exec(br, ['ip', 'link', 'set', p, 'master', `br${eth}`]);
      await lab.exec(br, ['ip', 'link', 'set', `br${eth}`, 'up']);
    }
    return { lab, nodes, clients: clients as [string, string], kubeconfig, namespace, logDir: lab.tmp };
  } catch (err) {
    lab.destroySync();
    throw err;
  }
}

/** Starts `metallb speaker` for a node (a process of its own, as in a cluster). */
export function startSpeaker(l: L2Lab, node: L2Node, extra: string[] = []): ProcState {
  const cli = join(repoRoot(), 'dist/src/cli.js');
  const args = [cli, 'speaker', '--kubeconfig', l.kubeconfig, '--namespace', l.namespace, '--node', node.name, '--vty-socket', node.frr.socketDir, '--metrics-address', 'off', '--l2-netns', node.ns, '--log-level', 'debug', ...extra];
  node.speaker = startProc(process.execPath, args, join(l.logDir, `speaker-${node.name}.log`));
  return node.speaker;
}

/** Stops a node's speaker: SIGTERM (a clean stop) or SIGKILL (a crash); resolves when it is gone. */
export async function stopSpeaker(node: L2Node, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  const p = node.speaker;
  if (!p) return;
  node.speaker = undefined;
  if (signal === 'SIGKILL') {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await stopProc(p.pid, 10_000);
}

export async function destroyL2Lab(l: L2Lab | undefined): Promise<void> {
  if (!l) return;
  for (const n of l.nodes) await stopSpeaker(n);
  await l.lab.destroy();
}

const inNs = async (ns: string, cmd: string[], timeoutMs = 15_000): Promise<string> => {
  try {
    return (await run('ip', ['netns', 'exec', ns, ...cmd], { timeout: timeoutMs })).stdout;
  } catch (err) {
    // arping/ndisc6 exit non-zero when nothing answers: their output is still the answer.
    const e = err as { stdout?: string; killed?: boolean };
    if (e.killed) throw err;
    return e.stdout ?? '';
  }
};

/** The MACs that answered `count` ARP requests for `ip` from a client (iputils arping), one per reply. */
export async function arping(ns: string, ip: string, count = 3): Promise<string[]> {
  const out = await inNs(ns, ['arping', '-c', String(count), '-w', String(count + 1), '-I', 'eth0', ip]);
  return [...out.matchAll(/reply from \S+ \[([0-9A-Fa-f:]+)\]/g)].map((m) => m[1]!.toLowerCase());
}

/** The MACs that answered a Neighbor Solicitation for `ip` (ndisc6 -m: every reply). */
export async function ndisc(ns: string, ip: string): Promise<string[]> {
  const out = await inNs(ns, ['ndisc6', '-m', '-q', '-n', '-r', '2', '-w', '500', ip, 'eth0']);
  return out.split('\n').map((l) => l.trim().toLowerCase()).filter((l) => /^[0-9a-f:]{17}$/.test(l));
}

/** The client kernel's neighbour entry for `ip` on eth0: its MAC, or undefined. */
export async function neighMAC(ns: string, ip: string): Promise<string | undefined> {
  const out = await inNs(ns, ['ip', ip.includes(':') ? '-6' : '-4', 'neigh', 'show', ip, 'dev', 'eth0']);
  return /lladdr ([0-9a-f:]{17})/.exec(out)?.[1];
}

export const flushNeigh = (ns: string): Promise<string> => inNs(ns, ['ip', 'neigh', 'flush', 'dev', 'eth0']);

/** A TCP server in a node namespace that answers every connection with the node's name. */
export function startTcpServer(l: L2Lab, node: L2Node, port: number): ProcState {
  const script = `require('net').createServer((s) => s.end(${JSON.stringify(node.name)} + '\\n')).listen(${port}, '::')`;
  return startProc('ip', ['netns', 'exec', node.ns, process.execPath, '-e', script], join(l.logDir, `tcp-${node.name}.log`));
}

/** Connects from a client namespace to ip:port; resolves with what the server said. */
export async function tcpHello(ns: string, ip: string, port: number): Promise<string> {
  const script = `const s = require('net').connect({ host: ${JSON.stringify(ip)}, port: ${port}, timeout: 3000 }); let d = ''; s.on('data', (c) => (d += c)); s.on('end', () => { process.stdout.write(d); process.exit(0); }); s.on('timeout', () => process.exit(3)); s.on('error', (e) => { process.stderr.write(String(e)); process.exit(4); });`;
  return (await run('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { timeout: 10_000 })).stdout.trim();
}

/** Puts a Service IP on lo of every node (kube-proxy's part: the node accepts it). */
export async function acceptOnNodes(l: L2Lab, ip: string): Promise<void> {
  for (const n of l.nodes) await inNs(n.ns, ['ip', 'addr', 'replace', `${ip}/${ip.includes(':') ? 128 : 32}`, 'dev', 'lo']);
}
