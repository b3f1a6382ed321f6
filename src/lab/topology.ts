// The lab's network, all inside namespaces it creates: an external router (FRR, AS 64521,
// configured like seed 002's Appendix 1) owning bridge br0 at 192.168.133.1/24, N nodes at
// 192.168.133.71.. (each its own FRR for its speaker), and a client at 10.77.0.2 behind the router.
import { readFileSync } from 'node:fs';
import { Lab } from './netns.js';
import type { FrrInstance } from './netns.js';

export const ROUTER_IP = '192.168.133.1';
export const CLIENT_IP = '10.77.0.2';
export const nodeIP = (i: number): string => `192.168.133.${71 + i}`;

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
  nodes: FrrInstance[];
  clientNs: string;
}

export async function buildTopology(nodes: number, routerConfigFile: string | undefined, say: (s: string) => void, onNamespace: (ns: string) => void): Promise<Topology> {
  const lab = new Lab('lab', { prefix: 'mlb-lab-', persistent: true });
  const ns = async (name: string): Promise<string> => {
    const n = await lab.namespace(name);
    onNamespace(n);
    return n;
  };
  say(`creating namespaces: router, client, ${nodes} node(s)`);
  const rns = await ns('router');
  const cns = await ns('client');
  const nodeNs: string[] = [];
  for (let i = 0; i < nodes; i++) nodeNs.push(await ns(`node${i + 1}`));
  for (const [i, n] of nodeNs.entries()) {
    await lab.veth(n, 'eth0', rns, `p${i + 1}`);
    await lab.addr(n, 'eth0', `${nodeIP(i)}/24`);
    await lab.exec(n, ['ip', 'route', 'add', 'default', 'via', ROUTER_IP]);
  }
  await lab.bridge(rns, 'br0', nodeNs.map((_, i) => `p${i + 1}`));
  await lab.addr(rns, 'br0', `${ROUTER_IP}/24`);
  await lab.veth(cns, 'eth0', rns, 'cl0');
  await lab.addr(cns, 'eth0', `${CLIENT_IP}/24`);
  await lab.addr(rns, 'cl0', '10.77.0.1/24');
  await lab.exec(cns, ['ip', 'route', 'add', 'default', 'via', '10.77.0.1']);
  // The router forwards client traffic to the nodes (and BFD echo packets back to them).
  await lab.exec(rns, ['sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv4.fib_multipath_hash_policy=1']);
  say('starting FRR: the external router (AS 64521) and one per node');
  const router = await lab.startFrr(rns, routerConfigFile ? readFileSync(routerConfigFile, 'utf8') : routerConfig(nodes));
  const frrs: FrrInstance[] = [];
  for (const n of nodeNs) frrs.push(await lab.startFrr(n));
  return { lab, router, nodes: frrs, clientNs: cns };
}
