// BGP unnumbered on real FRR (issue 15.8): a BGPPeer with `interface: eth0`, rendered as
// `neighbor eth0 interface remote-as 64530` and applied by the product, against a router with
// `neighbor pn interface remote-as external`. Neither end has an IPv4 or global IPv6 address: the
// session runs between the veth's IPv6 link-local addresses, each learned from the other's Router
// Advertisements (bgpd turns RAs on for interface neighbors), and the IPv4 Service prefix travels
// with an IPv6 link-local next hop (RFC 8950 extended next hop, which FRR negotiates by default on
// interface neighbors).
//   node eth0 (fe80:: only)   <-veth->   ext pn (fe80:: only)
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { applyModel } from '../../src/speaker/frr/apply.js';
import type { FrrConfig } from '../../src/speaker/frr/model.js';
import { frrUnavailable, Lab, showJson, waitFor, type FrrInstance } from '../../src/lab/netns.js';
import { bgpPaths, bgpPeers, reloadTestDiff, ribNexthops, nodeAndRouter } from './seed-lab.js';

const skip = frrUnavailable();
const PREFIX4 = '192.168.155.180/32';
const PREFIX6 = '2001:db8:155::18/128';

const EXT_CONFIG = `frr defaults traditional
router bgp 64530
 bgp router-id 10.255.0.1
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 neighbor pn interface remote-as external
 address-family ipv4 unicast
  neighbor pn activate
 exit-address-family
 address-family ipv6 unicast
  neighbor pn activate
 exit-address-family
exit
`;

const nodeModel = (): FrrConfig => ({
  logLevel: 'informational',
  routers: [
    {
      asn: 64520,
      // No IPv4 address on the node to take one from.
      routerId: '10.255.0.2',
      neighbors: [
        {
          iface: 'eth0',
          remoteAsn: 64530,
          families: { ipv4: { advertisements: [{ prefix: PREFIX4 }] }, ipv6: { advertisements: [{ prefix: PREFIX6 }] } },
        },
      ],
      networks: { ipv4: [PREFIX4], ipv6: [PREFIX6] },
    },
  ],
  bfdProfiles: [],
});

interface NeighborJson {
  bgpState?: string;
  hostLocal?: string;
  hostForeign?: string;
  neighborCapabilities?: { extendedNexthop?: string };
}

describe('BGP unnumbered (interface peer) on real FRR', { skip }, () => {
  let lab: Lab;
  let node: FrrInstance;
  let ext: FrrInstance;
  let desired = '';

  before(async () => {
    lab = new Lab('unnum');
    const { nns, ens } = await nodeAndRouter(lab);
    ext = await lab.startFrr(ens, EXT_CONFIG);
    node = await lab.startFrr(nns);
    const r = await applyModel(node.vtysh, nodeModel());
    assert.equal(r.converged, true);
    desired = r.desired;
  });
  after(() => lab?.destroySync());

  test('interface eth0 session is Established over link-local with extended next hop; IPv4 and IPv6 prefixes in the router RIB', async (t) => {
    assert.match(desired, /^ neighbor eth0 interface remote-as 64530$/m);
    await waitFor('eth0 Established', async () => ((await bgpPeers(node.vtysh))['eth0']?.state === 'Established' ? true : undefined), 60_000);
    const hops4 = await waitFor(`${PREFIX4} in the router RIB`, async () => {
      const h = await ribNexthops(ext.vtysh, PREFIX4);
      return h.length > 0 ? h : undefined;
    });
    const hops6 = await waitFor(`${PREFIX6} in the router RIB`, async () => {
      const h = await ribNexthops(ext.vtysh, PREFIX6);
      return h.length > 0 ? h : undefined;
    });
    const nb = (await showJson<Record<string, NeighborJson>>(node.vtysh, 'show bgp neighbor eth0 json'))['eth0'];
    const [p4] = await bgpPaths(ext.vtysh, PREFIX4);
    const nodeLL = nb?.hostLocal ?? '';
    // And zebra installed it in the router's kernel: an IPv4 route via an IPv6 gateway.
    const kernel = (await lab.exec(ext.ns, ['ip', 'route', 'show', PREFIX4])).trim();
    t.diagnostic(
      `eth0 ${nb?.bgpState} ${nodeLL} <-> ${nb?.hostForeign}, extendedNexthop ${nb?.neighborCapabilities?.extendedNexthop}; router RIB ${PREFIX4} via ` +
        `${hops4.join(',')} (BGP next hop ${p4?.nexthops?.map((n) => `${n.ip}/${n.afi}`).join(',')}), ${PREFIX6} via ${hops6.join(',')}; kernel: ${kernel}`,
    );
    // Link-local on both ends, and the node's own link-local is the next hop of both prefixes.
    assert.match(nodeLL, /^fe80:/);
    assert.match(nb?.hostForeign ?? '', /^fe80:/);
    assert.equal(nb?.neighborCapabilities?.extendedNexthop, 'advertisedAndReceived');
    assert.deepEqual([hops4, hops6], [[nodeLL], [nodeLL]]);
    assert.equal(p4?.nexthops?.[0]?.afi, 'ipv6', 'the IPv4 route has an IPv6 next hop');
    assert.match(kernel, new RegExp(`via inet6 ${nodeLL} dev pn`));
    assert.deepEqual(await reloadTestDiff(node, desired), []);
  });
});
