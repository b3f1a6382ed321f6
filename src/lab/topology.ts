// The lab's network, all inside namespaces it creates: an external router (FRR, AS 64521,
// configured like seed 002's Appendix 1) owning bridge br0 at 192.168.133.1/24, N nodes at
// 192.168.133.71.. (each its own FRR for its speaker), and a client at 10.77.0.2 behind the router.
// Seed 001 peers with another router, its "bgp-router" VM (AS 64512, 192.168.7.10, dynamic
// neighbors from 192.168.7.0/24): a second FRR namespace on the same bridge, the nodes holding a
// second address in 192.168.7.0/24 as the seed's nodes did.
import { readFileSync } from 'node:fs';
import { Lab } from './netns.js';
import type { FrrInstance } from './netns.js';
import { labPrefix } from './state.js';

export const ROUTER_IP = '192.168.133.1';
export const CLIENT_IP = '10.77.0.2';
export const nodeIP = (i: number): string => `192.168.133.${71 + i}`;
export const SEED001_ROUTER_IP = '192.168.7.10';
/** The pods lab's control-plane host (etcd, kube-apiserver, controller-manager, scheduler). */
export const CONTROL_PLANE_IP = '192.168.133.10';
/** Pods of node i (0-based) get addresses from 10.244.<i+1>.0/24 (CNI bridge + host-local). */
export const CLUSTER_CIDR = '10.244.0.0/16';
export const podCIDR = (i: number): string => `10.244.${i + 1}.0/24`;
export const seed001NodeIP = (i: number): string => `192.168.7.${13 + i}`;

/** Seed 001's router, as its walkthrough types it into vtysh (plus the hostname). */
export const SEED001_ROUTER_CONFIG = [
  'frr defaults traditional',
  'hostname bgp-router',
  '!',
  'router bgp 64512',
  ' neighbor metallb peer-group',
  ' neighbor metallb remote-as 64512',
  ' bgp listen limit 200',
  ' bgp listen range 192.168.7.0/24 peer-group metallb',
  '!',
  '',
].join('\n');

/** Seed 002's Appendix 1 for N nodes (minus host-specific lines: interface, log file, debug). */
export function routerConfig(nodes: number): string {
  const ips = Array.from({ length: nodes }, (_, i) => nodeIP(i));
  return [
    'frr defaults traditional',
    'hostname frr-upstream',
    '!',
    'router bgp 64521',
    ` bgp router-id ${ROUTER_IP}`,
    ' timers bgp 3 15',
    ' no bgp ebgp-requires-policy',
    ' no bgp default ipv4-unicast',
    ' no bgp network import-check',
    ' neighbor metallb peer-group',
    ' neighbor metallb remote-as 64520',
    // check-control-plane-failure: a node's BFD shares fate with its FRR (C bit clear), so while a
    // graceful restart is negotiated the router lets BGP's restart timer, not BFD, judge a speaker
    // restart (RFC 5882 4.3.2). Without GR it changes nothing: BFD down still drops the session.
    ...ips.flatMap((ip) => [` neighbor ${ip} peer-group metallb`, ` neighbor ${ip} bfd`, ` neighbor ${ip} bfd check-control-plane-failure`]),
    ' !',
    ' address-family ipv4 unicast',
    ...ips.flatMap((ip) => [`  neighbor ${ip} next-hop-self`, `  neighbor ${ip} activate`]),
    ' exit-address-family',
    '!',
    '',
  ].join('\n');
}

export interface Topology {
  lab: Lab;
  router: FrrInstance;
  /** Seed 001's router (AS 64512 at 192.168.7.10). */
  seed001Router: FrrInstance;
  /** Each node's namespace, and its own FRR when the speakers are processes (no FRR sidecar). */
  nodes: { ns: string; frr?: FrrInstance }[];
  clientNs: string;
  /** The control-plane host's namespace (pods lab). */
  controlPlaneNs?: string;
}

export interface TopologyOptions {
  nodes: number;
  routerConfigFile?: string | undefined;
  /** Processes lab: an FRR per node namespace for its speaker process. */
  nodeFrr: boolean;
  /** Pods lab: a control-plane host on the nodes' segment, and routes to every node's pods. */
  controlPlane: boolean;
}

export async function buildTopology(o: TopologyOptions, say: (s: string) => void, onNamespace: (ns: string) => void): Promise<Topology> {
  const nodes = o.nodes;
  const lab = new Lab('lab', { prefix: labPrefix(), persistent: true });
  const ns = async (name: string): Promise<string> => {
    const n = await lab.namespace(name);
    onNamespace(n);
    return n;
  };
  say(`creating namespaces: router, client, ${nodes} node(s)`);
  const rns = await ns('router');
  const cns = await ns('client');
  const bns = await ns('bgp-router');
  const nodeNs: string[] = [];
  for (let i = 0; i < nodes; i++) nodeNs.push(await ns(`node${i + 1}`));
  for (const [i, n] of nodeNs.entries()) {
    await lab.veth(n, 'eth0', rns, `p${i + 1}`);
    await lab.addr(n, 'eth0', `${nodeIP(i)}/24`);
    await lab.addr(n, 'eth0', `${seed001NodeIP(i)}/24`);
    await lab.exec(n, ['ip', 'route', 'add', 'default', 'via', ROUTER_IP]);
    // Like kube-proxy's strictARP: the kernel never answers ARP for the Service IPs the proxy
    // stand-in makes local, so layer 2 answers come from the elected speaker alone.
    await lab.exec(n, ['sysctl', '-qw', 'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2', 'net.ipv4.conf.default.arp_ignore=1', 'net.ipv4.conf.default.arp_announce=2']);
  }
  let cpns: string | undefined;
  if (o.controlPlane) {
    cpns = await ns('cp');
    await lab.veth(cpns, 'eth0', rns, 'pcp');
    await lab.addr(cpns, 'eth0', `${CONTROL_PLANE_IP}/24`);
    // Pod networks: each node routes the others' pod CIDRs to them; the control-plane host
    // reaches every pod (aggregated APIs and webhooks are served by pods) the same way.
    for (let i = 0; i < nodes; i++) {
      for (const [j, n] of nodeNs.entries()) if (j !== i) await lab.exec(n, ['ip', 'route', 'add', podCIDR(i), 'via', nodeIP(i)]);
      await lab.exec(cpns, ['ip', 'route', 'add', podCIDR(i), 'via', nodeIP(i)]);
    }
    await lab.exec(cpns, ['ip', 'route', 'add', 'default', 'via', ROUTER_IP]);
  }
  await lab.veth(bns, 'eth0', rns, 'p7');
  await lab.addr(bns, 'eth0', `${SEED001_ROUTER_IP}/24`);
  await lab.bridge(rns, 'br0', [...nodeNs.map((_, i) => `p${i + 1}`), 'p7', ...(cpns ? ['pcp'] : [])]);
  await lab.addr(rns, 'br0', `${ROUTER_IP}/24`);
  await lab.veth(cns, 'eth0', rns, 'cl0');
  await lab.addr(cns, 'eth0', `${CLIENT_IP}/24`);
  await lab.addr(rns, 'cl0', '10.77.0.1/24');
  await lab.exec(cns, ['ip', 'route', 'add', 'default', 'via', '10.77.0.1']);
  // The router forwards client traffic to the nodes (and BFD echo packets back to them).
  await lab.exec(rns, ['sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv4.fib_multipath_hash_policy=1']);
  // Seed 001 curls from its router: hashing on ports too spreads those connections over the nodes.
  await lab.exec(bns, ['sysctl', '-qw', 'net.ipv4.fib_multipath_hash_policy=1']);
  say(`starting FRR: the external router (AS 64521), seed 001's bgp-router (AS 64512)${o.nodeFrr ? ' and one per node' : ''}`);
  const router = await lab.startFrr(rns, o.routerConfigFile ? readFileSync(o.routerConfigFile, 'utf8') : routerConfig(nodes));
  const seed001Router = await lab.startFrr(bns, SEED001_ROUTER_CONFIG);
  const out: Topology['nodes'] = [];
  for (const n of nodeNs) out.push(o.nodeFrr ? { ns: n, frr: await lab.startFrr(n) } : { ns: n });
  return { lab, router, seed001Router, nodes: out, clientNs: cns, ...(cpns ? { controlPlaneNs: cpns } : {}) };
}

/**
 * Hook for the layer 2 seeds (000: 10.19.140.10-29, 004: 10.128.54.230-239; issue #6): makes
 * `prefix` on-link on the router's bridge, so the router (and the client behind it) ARP for those
 * IPs on the nodes' segment, where the elected speaker answers. Namespaces only, like all the rest.
 */
export async function onLinkAtRouter(lab: Pick<Lab, 'exec'>, routerNs: string, prefix: string): Promise<void> {
  await lab.exec(routerNs, ['ip', 'route', 'replace', prefix, 'dev', 'br0']);
}
