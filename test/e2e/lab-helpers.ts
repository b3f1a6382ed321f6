// What test/e2e/lab.test.ts (and bench/lab.bench.ts) use to drive a lab that `metallb lab up`
// started: the CLI in-process, the lab's kubeconfig, the routers' views, stand-in endpoints.
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import { readState } from '../../src/lab/state.js';
import type { LabState } from '../../src/lab/state.js';
import { Kube } from '../../src/k8s/client.js';
import type { Obj } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { makeVtysh } from '../../src/speaker/frr/vtysh.js';
import type { Vtysh } from '../../src/speaker/frr/vtysh.js';
import { showJson } from '../../src/lab/netns.js';
import { repoRoot } from '../../src/util/repo-root.js';

export async function lab(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['lab', ...args], { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

export const seedFile = (name: string): string => join(repoRoot(), 'test/fixtures/seeds', name);

export function state(): LabState {
  const s = readState();
  if (!s) throw new Error('no lab is up');
  return s;
}

export const labKube = (name = 'lab-e2e'): Kube => new Kube(loadKubeConfig(state().kubeconfig), name);
export const routerVtysh = (): Vtysh => makeVtysh({ socketDir: state().router!.socketDir });
export const bgpRouterVtysh = (): Vtysh => makeVtysh({ socketDir: state().seed001Router!.socketDir });

/** No kubelet runs pods in the lab: a Service's endpoints are written directly, one per node. */
export function standInEndpoints(namespace: string, service: string, nodes: readonly string[], port = 80): Obj {
  const s = state();
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: `${service}-lab`, namespace, labels: { 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': 'metallb-lab' } },
    addressType: 'IPv4',
    endpoints: nodes.map((n) => ({ addresses: [s.nodes.find((x) => x.name === n)!.ip], nodeName: n, conditions: { ready: true } })),
    ports: [{ port, protocol: 'TCP' }],
  };
}

export function lbService(namespace: string, name: string, annotations: Record<string, string> = {}): Obj {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, annotations }, spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] } };
}

export async function serviceIP(kube: Kube, namespace: string, name: string): Promise<string | undefined> {
  const svc = await kube.get<Obj>({ apiVersion: 'v1', kind: 'Service', name, namespace });
  return ((svc?.['status'] as { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined)?.loadBalancer?.ingress ?? [])[0]?.ip;
}

/** Every LoadBalancer Service's ingress IPs, by namespace/name. */
export async function allServiceIPs(kube: Kube): Promise<Record<string, string[]>> {
  const list = await kube.list<Obj>('v1', 'Service');
  const out: Record<string, string[]> = {};
  for (const s of list) {
    if ((s['spec'] as { type?: string }).type !== 'LoadBalancer') continue;
    out[`${s.metadata?.namespace}/${s.metadata?.name}`] = ((s['status'] as { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined)?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');
  }
  return out;
}

/** Next hops zebra installed for PREFIX at a router, sorted ([] when it has no route). */
export async function routeNexthops(vtysh: Vtysh, prefix: string): Promise<string[]> {
  const j = await showJson<Record<string, { protocol?: string; selected?: boolean; nexthops?: { ip?: string; active?: boolean }[] }[]>>(vtysh, `show ip route ${prefix} json`);
  return (j[prefix] ?? [])
    .filter((r) => r.protocol === 'bgp' && r.selected)
    .flatMap((r) => (r.nexthops ?? []).filter((n) => n.active).map((n) => n.ip ?? ''))
    .sort();
}

export interface Neighbor {
  bgpState: string;
  connectionsEstablished: number;
  connectionsDropped: number;
  bgpTimerHoldTimeMsecs?: number;
  lastResetDueTo?: string;
  /** e.g. "Cease/BFD Down" when this side sent the NOTIFICATION itself. */
  lastNotificationReason?: string;
  /** Per neighbor since the router started: a NOTIFICATION received is a session reset. */
  messageStats?: { notificationsRecv?: number; notificationsSent?: number };
}

/** `show bgp neighbors json` at a router, by neighbor address. */
export async function neighbors(vtysh: Vtysh): Promise<Record<string, Neighbor>> {
  return showJson<Record<string, Neighbor>>(vtysh, 'show bgp neighbors json');
}

export interface BfdPeer {
  peer: string;
  status: string;
  'detect-multiplier'?: number;
  'receive-interval'?: number;
  'remote-detect-multiplier'?: number;
  'remote-transmit-interval'?: number;
}

export async function bfdPeers(vtysh: Vtysh): Promise<BfdPeer[]> {
  return showJson<BfdPeer[]>(vtysh, 'show bfd peers json');
}

/** How long the router waits without a BFD packet before it calls the peer down (RFC 5880 6.8.4). */
export function bfdDetectMs(p: BfdPeer): number | undefined {
  const mult = p['remote-detect-multiplier'];
  const rx = p['receive-interval'];
  const tx = p['remote-transmit-interval'];
  return mult !== undefined && rx !== undefined && tx !== undefined ? mult * Math.max(rx, tx) : undefined;
}
