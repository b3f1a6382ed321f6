// A BGPPeer with `vrf` on real FRR (issue 15.8): the node's `router bgp 64520 vrf <VRF>`, rendered
// and applied by the product, Established with a router that peers normally (no VRF on its side),
// and the Service prefix in the router's RIB.
//
// The VRF: this machine's kernel is built without CONFIG_NET_VRF (`ip link add red type vrf table
// 10` fails with "Unknown device type"), so the Linux VRF device cannot exist here. FRR's other VRF
// backend can: zebra started with `-n` (--vrfwnetns) makes every network namespace a VRF of that
// name, and bgpd opens the VRF's sockets inside it. The `router bgp ASN vrf NAME` block FRR reads,
// prints back and runs is the same text in both backends, which is what the renderer owns; only
// where the VRF's interfaces live differs (a namespace instead of a device's table):
//   node ns (default VRF, FRR here)   VRF ns mlbt-<pid>-red: eth0 10.20.0.2/24   ext pn 10.20.0.1/24
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { applyModel } from '../../src/speaker/frr/apply.js';
import type { FrrConfig } from '../../src/speaker/frr/model.js';
import { frrUnavailable, Lab, runningConfig, sh, showJson, waitFor, type FrrInstance } from '../../src/lab/netns.js';
import { bgpPaths, reloadTestDiff, ribNexthops } from './seed-lab.js';

const skip = frrUnavailable();
const PREFIX = '192.168.155.170/32';

const EXT_CONFIG = `frr defaults traditional
router bgp 64530
 bgp router-id 10.20.0.1
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 neighbor 10.20.0.2 remote-as 64520
 address-family ipv4 unicast
  neighbor 10.20.0.2 activate
 exit-address-family
exit
`;

const nodeModel = (vrf: string): FrrConfig => ({
  logLevel: 'informational',
  routers: [
    {
      asn: 64520,
      vrf,
      routerId: '10.20.0.2',
      neighbors: [{ address: '10.20.0.1', remoteAsn: 64530, families: { ipv4: { advertisements: [{ prefix: PREFIX }] } } }],
      networks: { ipv4: [PREFIX], ipv6: [] },
    },
  ],
  bfdProfiles: [],
});

describe('BGPPeer vrf on real FRR', { skip }, () => {
  let lab: Lab;
  let node: FrrInstance;
  let ext: FrrInstance;
  let vrf = '';
  let desired = '';

  before(async () => {
    lab = new Lab('vrf');
    const ens = await lab.namespace('ext');
    const nns = await lab.namespace('node');
    vrf = await lab.namespace('red');
    // The VRF is a Linux interface name in the model (15 characters at most): mlbt-<pid>-red fits
    // for any pid up to 9,999,999.
    assert.ok(vrf.length <= 15, `${vrf} is too long for a VRF name`);
    // Probe the device backend first, so the log says why the namespace backend is used.
    const device = await sh('ip', ['netns', 'exec', nns, 'ip', 'link', 'add', 'red', 'type', 'vrf', 'table', '10']).then(
      () => 'created',
      (e: Error) => e.message.split('\n').slice(-2).join(' ').trim(),
    );
    console.log(`vrf: ip link add red type vrf table 10 -> ${device}`);
    await lab.veth(vrf, 'eth0', ens, 'pn');
    await lab.addr(vrf, 'eth0', '10.20.0.2/24');
    await lab.addr(ens, 'pn', '10.20.0.1/24');
    ext = await lab.startFrr(ens, EXT_CONFIG);
    node = await lab.startFrr(nns, '', { zebraArgs: ['-n'] });
    await waitFor(`zebra knows VRF ${vrf}`, async () => ((await node.vtysh.run(['-c', 'show vrf'])).stdout.includes(`vrf ${vrf} `) ? true : undefined));
    const r = await applyModel(node.vtysh, nodeModel(vrf));
    assert.equal(r.converged, true);
    desired = r.desired;
  });
  after(() => lab?.destroySync());

  test('router bgp 64520 vrf <VRF> is Established (show bgp vrf <VRF> summary) and the prefix is in the router RIB', async (t) => {
    assert.match(desired, new RegExp(`^router bgp 64520 vrf ${vrf}$`, 'm'));
    type Summary = { ipv4Unicast?: { vrfName?: string; peers?: Record<string, { state?: string; pfxSnt?: number }> } };
    const s = await waitFor('Established in the VRF', async () => {
      const j = await showJson<Summary>(node.vtysh, `show bgp vrf ${vrf} summary json`);
      return j.ipv4Unicast?.peers?.['10.20.0.1']?.state === 'Established' ? j.ipv4Unicast : undefined;
    }, 60_000);
    const hops = await waitFor(`${PREFIX} in the router RIB`, async () => {
      const h = await ribNexthops(ext.vtysh, PREFIX);
      return h.length > 0 ? h : undefined;
    });
    const sent = (await showJson<Summary>(node.vtysh, `show bgp vrf ${vrf} summary json`)).ipv4Unicast?.peers?.['10.20.0.1'];
    assert.deepEqual(hops, ['10.20.0.2']);
    // The default VRF has no BGP instance at all: the session lives only in the VRF.
    const dflt = await node.vtysh.run(['-c', 'show bgp summary json']);
    const paths = await bgpPaths(ext.vtysh, PREFIX);
    assert.equal(paths.length, 1);
    t.diagnostic(
      `vrf ${s.vrfName}: 10.20.0.1 ${s.peers?.['10.20.0.1']?.state}, pfxSnt ${sent?.pfxSnt}; router RIB ${PREFIX} via ${hops.join(',')}; ` +
        `default VRF summary: ${dflt.stdout.trim().replace(/\s+/g, ' ').slice(0, 80)}`,
    );
    // The running config reads back as rendered: the applier converged, and frr-reload.py agrees,
    // but for the `vrf NAME` / ` netns PATH` blocks zebra prints for every namespace it made a VRF
    // (the namespace backend's own lines, for every namespace on the machine; not ours to render).
    assert.ok((await runningConfig(node.vtysh)).includes(`router bgp 64520 vrf ${vrf}\n`));
    assert.deepEqual((await reloadTestDiff(node, desired)).filter((i) => !/^vrf \S+ \/ no netns \S+$/.test(i)), []);
  });
});
