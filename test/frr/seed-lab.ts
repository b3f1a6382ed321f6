// Seed 002's network, in namespaces: an external router (FRR, AS 64521, configured like the seed's
// Appendix 1: peer-group metallb, bfd, next-hop-self) owning bridge br0 with 192.168.133.1/24, and
// two worker nodes (FRR, AS 64520) at 192.168.133.71 and .72, each joined to br0 by a veth pair.
// The nodes' FRR starts empty: tests render and apply the speaker's config to them.
import { writeFileSync } from 'node:fs';
import { Lab, sh, showJson, waitFor, type FrrInstance } from '../../src/lab/netns.js';
import type { Vtysh } from '../../src/speaker/frr/vtysh.js';
import { diffConfigs, formatDelta } from '../../src/speaker/frr/diff.js';
import { parseConfig } from '../../src/speaker/frr/parse.js';
import { readDaemonConfigs } from '../../src/speaker/frr/vty-socket.js';

export const ROUTER_IP = '192.168.133.1';
export const ROUTER_IP6 = 'fc00:133::1';
export const NODE_IPS = ['192.168.133.71', '192.168.133.72'] as const;
export const NODE_IP6S = ['fc00:133::71', 'fc00:133::72'] as const;

/** Appendix 1 of seed 002, minus its host-specific lines (interface, log file, debug). */
export const ROUTER_CONFIG = `frr defaults traditional
hostname frr-upstream
!
router bgp 64521
 bgp router-id 192.168.133.1
 timers bgp 3 15
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 no bgp network import-check
 neighbor metallb peer-group
 neighbor metallb remote-as 64520
 neighbor 192.168.133.71 peer-group metallb
 neighbor 192.168.133.71 bfd
 neighbor 192.168.133.72 peer-group metallb
 neighbor 192.168.133.72 bfd
 !
 address-family ipv4 unicast
  neighbor 192.168.133.71 next-hop-self
  neighbor 192.168.133.71 activate
  neighbor 192.168.133.72 next-hop-self
  neighbor 192.168.133.72 activate
 exit-address-family
exit
!
line vty
`;

export interface SeedLab {
  lab: Lab;
  router: FrrInstance;
  nodes: FrrInstance[];
}

export async function startSeedLab(tag: string): Promise<SeedLab> {
  const lab = new Lab(tag);
  try {
    const rns = await lab.namespace('r');
    const nodeNs = [await lab.namespace('n1'), await lab.namespace('n2')];
    const ports: string[] = [];
    for (const [i, ns] of nodeNs.entries()) {
      await lab.veth(ns, 'eth0', rns, `p${i + 1}`);
      ports.push(`p${i + 1}`);
      await lab.addr(ns, 'eth0', `${NODE_IPS[i]}/24`);
      await lab.addr(ns, 'eth0', `${NODE_IP6S[i]}/64`);
    }
    await lab.bridge(rns, 'br0', ports);
    // The nodes' BFD profile uses echo mode: echo packets are addressed to the sender itself and
    // come back only if the router forwards them (the seed's router host does).
    await lab.exec(rns, ['sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
    await lab.addr(rns, 'br0', `${ROUTER_IP}/24`);
    await lab.addr(rns, 'br0', `${ROUTER_IP6}/64`);
    const router = await lab.startFrr(rns, ROUTER_CONFIG);
    const nodes = [await lab.startFrr(nodeNs[0] as string), await lab.startFrr(nodeNs[1] as string)];
    return { lab, router, nodes };
  } catch (err) {
    lab.destroySync();
    throw err;
  }
}

interface BgpSummaryPeer {
  state: string;
  pfxRcd?: number;
}

/** The peers of `show bgp [vrf all] summary json` for one family, by address. */
export async function bgpPeers(vtysh: Vtysh, family: 'ipv4' | 'ipv6' = 'ipv4'): Promise<Record<string, BgpSummaryPeer>> {
  const j = await showJson<{ peers?: Record<string, BgpSummaryPeer> }>(vtysh, `show bgp ${family} unicast summary json`);
  return (j).peers ?? {};
}

export async function waitEstablished(vtysh: Vtysh, peer: string, family: 'ipv4' | 'ipv6' = 'ipv4'): Promise<void> {
  await waitFor(`BGP session ${peer} Established`, async () => ((await bgpPeers(vtysh, family))[peer]?.state === 'Established' ? true : undefined), 60_000);
}

/** `Connections established` of `show bgp neighbor X json`: goes up by one on every session reset. */
export async function connectionsEstablished(vtysh: Vtysh, peer: string): Promise<number> {
  const j = await showJson<Record<string, { connectionsEstablished?: number }>>(vtysh, `show bgp neighbor ${peer} json`);
  return j[peer]?.connectionsEstablished ?? -1;
}

interface RoutePath {
  nexthops?: { ip?: string; afi?: string }[];
  community?: { string?: string };
  largeCommunity?: { string?: string };
  locPrf?: number;
  multipath?: boolean;
  bestpath?: { overall?: boolean };
}

/** `show bgp <family> unicast PREFIX json` paths ([] when the prefix is unknown). */
export async function bgpPaths(vtysh: Vtysh, prefix: string): Promise<RoutePath[]> {
  const family = prefix.includes(':') ? 'ipv6' : 'ipv4';
  const j = await showJson<{ paths?: RoutePath[] }>(vtysh, `show bgp ${family} unicast ${prefix} json`);
  return j.paths ?? [];
}

/** Next hops zebra installed for PREFIX (`show ip route PREFIX json`), sorted. */
export async function ribNexthops(vtysh: Vtysh, prefix: string): Promise<string[]> {
  const cmd = prefix.includes(':') ? 'show ipv6 route' : 'show ip route';
  const j = await showJson<Record<string, { protocol?: string; selected?: boolean; nexthops?: { ip?: string; active?: boolean }[] }[]>>(vtysh, `${cmd} ${prefix} json`);
  const routes = j[prefix] ?? [];
  return routes
    .filter((r) => r.protocol === 'bgp' && r.selected)
    .flatMap((r) => (r.nexthops ?? []).filter((n) => n.active).map((n) => n.ip ?? ''))
    .sort();
}

/**
 * `frr-reload.py --test` against the desired file: the differences it lists, minus the global lines
 * FRR itself adds or that we do not own. FRR-NOTES: "frr-reload.py --test lists those global lines
 * as differences even when BGP is converged" — `no ip forwarding` / `no ipv6 forwarding` (zebra's
 * defaults in a namespace), the `hostname` FRR prints, and `log` lines, none of which the speaker
 * owns. Everything else (router bgp, route-map, prefix-list, nht, bfd) must not differ.
 */
export async function reloadTestDiff(inst: FrrInstance, desired: string): Promise<string[]> {
  const file = `${inst.confDir}/desired.conf`;
  writeFileSync(file, desired);
  const out = await sh('/usr/lib/frr/frr-reload.py', ['--test', '--stdout', '-N', inst.ns, '--log-level', 'error', file]);
  const globals = /^(no )?(hostname|log |ip forwarding|ipv6 forwarding|frr version|frr defaults|service integrated-vtysh-config|line vty)/;
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Lines To Delete'));
  if (start < 0) throw new Error(`unexpected frr-reload.py --test output:\n${out}`);
  const items: string[] = [];
  // Each item is its context lines (unindented first) then the command; join them per item.
  let current: string[] = [];
  const flush = (): void => {
    if (current.length > 0) items.push(current.join(' / '));
    current = [];
  };
  for (const l of lines.slice(start)) {
    if (l.startsWith('Lines To') || l.startsWith('====') || l.trim() === '') {
      flush();
      continue;
    }
    if (!l.startsWith(' ')) flush();
    current.push(l.trim());
  }
  flush();
  return items.filter((i) => !globals.test(i));
}

/**
 * The running config as the daemons' vty sockets give it (the applier's fast read) and as vtysh
 * prints it must not differ in anything the applier owns, in either direction.
 */
export async function directReadDiff(inst: FrrInstance): Promise<{ direct: string; vtysh: string }> {
  const r = await inst.vtysh.run(['-c', 'show running-config']);
  const viaVtysh = parseConfig(r.stdout);
  const direct = parseConfig((await readDaemonConfigs(inst.socketDir)).join('\nend\n'));
  return { direct: formatDelta(diffConfigs(viaVtysh, direct)), vtysh: formatDelta(diffConfigs(direct, viaVtysh)) };
}

/** A node namespace and a router namespace joined by one link: node eth0 <-> router pn. */
export async function nodeAndRouter(lab: Lab): Promise<{ nns: string; ens: string }> {
  const ens = await lab.namespace('ext');
  const nns = await lab.namespace('node');
  await lab.veth(nns, 'eth0', ens, 'pn');
  return { nns, ens };
}
