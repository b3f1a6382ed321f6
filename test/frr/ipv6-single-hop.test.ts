// Single-hop IPv6 eBGP on real FRR (issue 15.8): why the planner adds `disable-connected-check`,
// as upstream does. FRR opens a single-hop eBGP session only to an address a connected prefix
// covers; an IPv6 node often has none covering its router (a /128 from DHCPv6 or a cloud, the
// router's prefix known only from a Router Advertisement, as in FRR issue 11185, which made upstream
// add the line). Two nodes, each with only a /128 and the /64 as a kernel (RA) route:
//   ext br0 fc00:134::1/64     n1 eth0 fc00:134::71/128     n2 eth0 fc00:134::72/128
// n1 gets what the planner renders from a BGPPeer; n2 the same text without that one line.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { applyConfig } from '../../src/speaker/frr/apply.js';
import { render } from '../../src/speaker/frr/render.js';
import { snapshotFromObjects } from '../../src/speaker/announce/build-snapshot.js';
import { planBGP } from '../../src/speaker/announce/bgp.js';
import type { Obj } from '../../src/api/object.js';
import { frrUnavailable, Lab, showJson, waitFor, type FrrInstance } from '../../src/lab/netns.js';
import { bgpPaths, bgpPeers } from './seed-lab.js';

const skip = frrUnavailable();
const ROUTER = 'fc00:134::1';
const NODE_ADDRS = ['fc00:134::71', 'fc00:134::72'];
const SERVICE_IP = '2001:db8:134::5';

// The router takes the nodes as dynamic neighbors (`bgp listen range`, common on top-of-rack
// switches): it only accepts, so each node must open its session itself, through its connected check.
const EXT_CONFIG = `frr defaults traditional
router bgp 64530
 bgp router-id 10.255.0.1
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 timers bgp 3 9
 neighbor nodes peer-group
 neighbor nodes remote-as 64520
 bgp listen range fc00:134::/64 peer-group nodes
 address-family ipv6 unicast
  neighbor nodes activate
 exit-address-family
exit
`;

const NS = 'metallb-system';
const objects: Obj[] = [
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'v6-node' } },
  { apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'router-v6', namespace: NS }, spec: { myASN: 64520, peerASN: 64530, peerAddress: ROUTER, routerID: '10.255.0.71', keepaliveTime: '3s', holdTime: '9s' } },
  { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'v6-pool', namespace: NS }, spec: { addresses: ['2001:db8:134::/124'] } },
  { apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', metadata: { name: 'v6-adv', namespace: NS }, spec: { ipAddressPools: ['v6-pool'] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'apps' }, spec: { type: 'LoadBalancer', ipFamilies: ['IPv6'], ports: [{ port: 80 }] }, status: { loadBalancer: { ingress: [{ ip: SERVICE_IP }] } } },
  {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-1', namespace: 'apps', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv6', endpoints: [{ addresses: ['fd00:10::5'], nodeName: 'v6-node', conditions: { ready: true } }], ports: [{ port: 80 }],
  },
];

describe('single-hop IPv6 eBGP to a router no connected prefix covers', { skip }, () => {
  let lab: Lab;
  let ext: FrrInstance;
  const nodes: FrrInstance[] = [];
  let rendered = '';

  before(async () => {
    lab = new Lab('v6hop');
    const ens = await lab.namespace('ext');
    const ports: string[] = [];
    for (const [i, addr] of NODE_ADDRS.entries()) {
      const ns = await lab.namespace(`n${i + 1}`);
      await lab.veth(ns, 'eth0', ens, `p${i + 1}`);
      ports.push(`p${i + 1}`);
      await lab.addr(ns, 'eth0', `${addr}/128`);
      await lab.exec(ns, ['ip', '-6', 'route', 'add', 'fc00:134::/64', 'dev', 'eth0', 'proto', 'ra']);
      nodes.push(await lab.startFrr(ns));
    }
    await lab.bridge(ens, 'br0', ports);
    await lab.addr(ens, 'br0', `${ROUTER}/64`);
    ext = await lab.startFrr(ens, EXT_CONFIG);
    const plan = planBGP(snapshotFromObjects(objects), 'v6-node');
    assert.deepEqual([plan.errors, plan.skipped], [[], []]);
    rendered = render(plan.config);
  });
  after(() => lab?.destroySync());

  test('the planner\'s config (with disable-connected-check) is Established and the Service prefix received; without the line the session never opens', async (t) => {
    assert.match(rendered, new RegExp(`^ neighbor ${ROUTER} disable-connected-check$`, 'm'));
    const without = rendered.replace(new RegExp(`^ neighbor ${ROUTER} disable-connected-check\\n`, 'm'), '').replace('bgp router-id 10.255.0.71', 'bgp router-id 10.255.0.72');
    assert.notEqual(without, rendered);
    await applyConfig(nodes[0]!.vtysh, rendered);
    await applyConfig(nodes[1]!.vtysh, without);
    const t0 = Date.now();
    await waitFor('n1 Established with the router', async () => ((await bgpPeers(nodes[0]!.vtysh, 'ipv6'))[ROUTER]?.state === 'Established' ? true : undefined), 60_000);
    const established = Date.now() - t0;
    const paths = await waitFor(`${SERVICE_IP}/128 at the router`, async () => {
      const p = await bgpPaths(ext.vtysh, `${SERVICE_IP}/128`);
      return p.length > 0 ? p : undefined;
    }, 30_000);
    assert.deepEqual(paths.map((p) => p.nexthops?.[0]?.ip), [NODE_ADDRS[0]]);
    // n2 had the same time and more (three hold times) and still has no session.
    await new Promise((r) => setTimeout(r, 10_000));
    const n2 = (await showJson<Record<string, { bgpState?: string; connectionsEstablished?: number; lastResetDueTo?: string; messageStats?: { opensSent?: number } }>>(nodes[1]!.vtysh, `show bgp neighbor ${ROUTER} json`))[ROUTER];
    const seen = {
      state: n2?.bgpState,
      lastResetDueTo: n2?.lastResetDueTo,
      opensSent: n2?.messageStats?.opensSent,
      connectionsEstablished: n2?.connectionsEstablished,
    };
    t.diagnostic(`n1 Established after ${established} ms; n2 after ${Date.now() - t0} ms: ${JSON.stringify(seen)}`);
    // FRR waits for its next-hop tracking to call the router connected, which a /128 never does.
    assert.deepEqual(seen, { state: 'Active', lastResetDueTo: 'Waiting for NHT', opensSent: 0, connectionsEstablished: 0 });
    // The line alone makes the difference: applied to n2 (our applier, the same config as n1's), it opens.
    await applyConfig(nodes[1]!.vtysh, rendered.replace('bgp router-id 10.255.0.71', 'bgp router-id 10.255.0.72'));
    await waitFor('n2 Established once it has the line', async () => ((await bgpPeers(nodes[1]!.vtysh, 'ipv6'))[ROUTER]?.state === 'Established' ? true : undefined), 60_000);
    await waitFor(`${SERVICE_IP}/128 at the router from both nodes`, async () => ((await bgpPaths(ext.vtysh, `${SERVICE_IP}/128`)).length === 2 ? true : undefined), 30_000);
  });
});
