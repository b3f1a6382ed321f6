// The lab's network, all inside namespaces it creates: an external router (FRR, AS 64521,
// configured like seed 002's Appendix 1) owning bridge br0 at 192.168.133.1/24, N nodes at
// 192.168.133.71.. (each its own FRR for its speaker), and a client at 10.77.0.2 behind the router.
// Seed 001 peers with another router, its "bgp-router" VM (AS 64512, 192.168.7.10, dynamic
// neighbors from 192.168.7.0/24): a second FRR namespace on the same bridge, the nodes holding a
// second address in 192.168.7.0/24 as the seed's nodes did.
import { readFileSync } from 'node:fs';
import { Lab } from './netns.js';
import type { FrrInstance } from './netns.js';

/** Every lab namespace is named `mlb-lab-<role>`: fixed names, one lab per machine. */
export const LAB_PREFIX = 'mlb-lab-';
export const ROUTER_IP = '192.168.133.1';
export const CLIENT_IP = '10.77.0.2';
export const nodeIP = (i: number): string => `192.168.133.${71 + i}`;
export const SEED001_ROUTER_IP = '192.168.7.10';
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
    ...ips.flatMap((ip) => [` neighbor ${ip} peer-group metallb`, ` neighbor ${ip} bfd`]),
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
  nodes: FrrInstance[];
  clientNs: string;
}

export async function buildTopology(nodes: number, routerConfigFile: string | undefined, say: (s: string) => void, onNamespace: (ns: string) => void): Promise<Topology> {
  const lab = new Lab('lab', { prefix: LAB_PREFIX, persistent: true });
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
  await lab.veth(bns, 'eth0', rns, 'p7');
  await lab.addr(bns, 'eth0', `${SEED001_ROUTER_IP}/24`);
  await lab.bridge(rns, 'br0', [...nodeNs.map((_, i) => `p${i + 1}`), 'p7']);
  await lab.addr(rns, 'br0', `${ROUTER_IP}/24`);
  await lab.veth(cns, 'eth0', rns, 'cl0');
  await lab.addr(cns, 'eth0', `${CLIENT_IP}/24`);
  await lab.addr(rns, 'cl0', '10.77.0.1/24');
  await lab.exec(cns, ['ip', 'route', 'add', 'default', 'via', '10.77.0.1']);
  // The router forwards client traffic to the nodes (and BFD echo packets back to them).
  await lab.exec(rns, ['sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv4.fib_multipath_hash_policy=1']);
  // Seed 001 curls from its router: hashing on ports too spreads those connections over the nodes.
  await lab.exec(bns, ['sysctl', '-qw', 'net.ipv4.fib_multipath_hash_policy=1']);
  say('starting FRR: the external router (AS 64521), seed 001\'s bgp-router (AS 64512) and one per node');
  const router = await lab.startFrr(rns, routerConfigFile ? readFileSync(routerConfigFile, 'utf8') : routerConfig(nodes));
  const seed001Router = await lab.startFrr(bns, SEED001_ROUTER_CONFIG);
  const frrs: FrrInstance[] = [];
  for (const n of nodeNs) frrs.push(await lab.startFrr(n));
  return { lab, router, seed001Router, nodes: frrs, clientNs: cns };
}

/**
 * Hook for the layer 2 seeds (000: 10.19.140.10-29, 004: 10.128.54.230-239; issue #6): makes
 * `prefix` on-link on the router's bridge, so the router (and the client behind it) ARP for those
 * IPs on the nodes' segment, where the elected speaker answers. Namespaces only, like all the rest.
 */
export async function onLinkAtRouter(lab: Pick<Lab, 'exec'>, routerNs: string, prefix: string): Promise<void> {
  await lab.exec(routerNs, ['ip', 'route', 'replace', prefix, 'dev', 'br0']);
}
