// BFD echo mode on real FRR (issue 15.8): a BFDProfile with echoMode and echoInterval, rendered and
// applied by the product on the node's BGP session, against a router whose bfdd has echo mode on
// too. The BFD session is up on both ends, BGP is Established with bfd, and echo is in effect as
// FRR reports it: the negotiated echo intervals and echo packets counted in both directions.
//   node eth0 10.30.0.2/24   <-veth->   ext pn 10.30.0.1/24
// An echo packet is addressed to its sender and comes back only if the far end loops it. FRR 8.4's
// bfdd reflects IPv6 echo packets itself but leaves IPv4 ones to the kernel's forwarding (bfd_packet.c:
// "ipv4 is looped in forwarding plane"), so both ends forward: the router as routers do, the node
// as a Kubernetes node does (kube-proxy and the CNI need net.ipv4.ip_forward=1). Without it on the
// node, the router's echo packets were sent and never came back (seen: echo-packet-input 0).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { applyModel } from '../../src/speaker/frr/apply.js';
import type { FrrConfig } from '../../src/speaker/frr/model.js';
import { frrUnavailable, Lab, runningConfig, showJson, waitFor, type FrrInstance } from '../../src/lab/netns.js';
import { bgpPaths, waitEstablished, nodeAndRouter } from './seed-lab.js';

const skip = frrUnavailable();
const PREFIX = '192.168.155.190/32';
const ECHO_MS = 100;

// No `exit` lines: each daemon reads the whole file and skips what it does not know, but an `exit`
// at the top level leaves configuration mode. bfdd reads `router bgp` as unknown, stays at the top,
// and an `exit` after that block made it drop the whole `bfd` block below (seen: no profile, echo
// transmit interval 0 on the router).
const EXT_CONFIG = `frr defaults traditional
router bgp 64530
 bgp router-id 10.30.0.1
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 neighbor 10.30.0.2 remote-as 64520
 neighbor 10.30.0.2 bfd
 neighbor 10.30.0.2 bfd profile echo
 address-family ipv4 unicast
  neighbor 10.30.0.2 activate
 exit-address-family
!
bfd
 profile echo
  echo-mode
  echo transmit-interval ${ECHO_MS}
  echo receive-interval ${ECHO_MS}
`;

const nodeModel = (): FrrConfig => ({
  logLevel: 'informational',
  routers: [
    {
      asn: 64520,
      routerId: '10.30.0.2',
      neighbors: [
        { address: '10.30.0.1', remoteAsn: 64530, bfdEnabled: true, bfdProfile: 'echo', families: { ipv4: { advertisements: [{ prefix: PREFIX }] } } },
      ],
      networks: { ipv4: [PREFIX], ipv6: [] },
    },
  ],
  bfdProfiles: [{ name: 'echo', echoMode: true, echoInterval: ECHO_MS }],
});

interface BfdPeer {
  peer: string;
  status: string;
  'echo-transmit-interval'?: number;
  'echo-receive-interval'?: number;
  'remote-echo-receive-interval'?: number;
  'transmit-interval'?: number;
  'remote-transmit-interval'?: number;
}
interface BfdCounters {
  peer: string;
  'echo-packet-input'?: number;
  'echo-packet-output'?: number;
  'control-packet-input'?: number;
}

describe('BFD echo mode on real FRR', { skip }, () => {
  let lab: Lab;
  let node: FrrInstance;
  let ext: FrrInstance;
  let desired = '';

  before(async () => {
    lab = new Lab('bfdecho');
    const { nns, ens } = await nodeAndRouter(lab);
    await lab.addr(nns, 'eth0', '10.30.0.2/24');
    await lab.addr(ens, 'pn', '10.30.0.1/24');
    for (const ns of [ens, nns]) await lab.exec(ns, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    ext = await lab.startFrr(ens, EXT_CONFIG);
    node = await lab.startFrr(nns);
    const r = await applyModel(node.vtysh, nodeModel());
    assert.equal(r.converged, true);
    desired = r.desired;
  });
  after(() => lab?.destroySync());

  test('BFD up on both ends with echo in effect (intervals and echo packets both ways); BGP Established with bfd', async (t) => {
    assert.match(desired, /^ {2}echo-mode\n {2}echo transmit-interval 100\n {2}echo receive-interval 100$/m);
    await waitEstablished(node.vtysh, '10.30.0.1');
    const up = (i: FrrInstance, peer: string): Promise<BfdPeer> =>
      waitFor(`BFD ${peer} up`, async () => {
        return (await showJson<BfdPeer[]>(i.vtysh, 'show bfd peers json')).find((p) => p.peer === peer && p.status === 'up');
      }, 30_000);
    const [n, e] = [await up(node, '10.30.0.1'), await up(ext, '10.30.0.2')];
    const counters = async (i: FrrInstance, peer: string): Promise<BfdCounters | undefined> =>
      (await showJson<BfdCounters[]>(i.vtysh, 'show bfd peers counters json')).find((c) => c.peer === peer);
    const c0 = { node: await counters(node, '10.30.0.1'), ext: await counters(ext, '10.30.0.2') };
    // Two seconds at 100 ms: about 20 echo packets each way if echo runs.
    await new Promise((r) => setTimeout(r, 2000));
    const c1 = { node: await counters(node, '10.30.0.1'), ext: await counters(ext, '10.30.0.2') };
    type Key = 'echo-packet-input' | 'echo-packet-output';
    const delta = (a: BfdCounters | undefined, b: BfdCounters | undefined, k: Key): number => (b?.[k] ?? 0) - (a?.[k] ?? 0);
    const echo = {
      nodeOut: delta(c0.node, c1.node, 'echo-packet-output'),
      nodeIn: delta(c0.node, c1.node, 'echo-packet-input'),
      extOut: delta(c0.ext, c1.ext, 'echo-packet-output'),
      extIn: delta(c0.ext, c1.ext, 'echo-packet-input'),
    };
    const pick = (p: BfdPeer): unknown[] => [
      p.status,
      p['echo-transmit-interval'],
      p['echo-receive-interval'],
      p['remote-echo-receive-interval'],
      p['transmit-interval'],
    ];
    const still = (await showJson<BfdPeer[]>(node.vtysh, 'show bfd peers json')).find((p) => p.peer === '10.30.0.1');
    type Nb = Record<string, { bgpState?: string; peerBfdInfo?: { type?: string; status?: string } }>;
    const bgp = (await showJson<Nb>(node.vtysh, 'show bgp neighbor 10.30.0.1 json'))['10.30.0.1'];
    t.diagnostic(
      `node [status, echo-tx, echo-rx, remote-echo-rx, tx] ${JSON.stringify(pick(n))}, ext ${JSON.stringify(pick(e))}; ` +
        `echo packets in 2 s: ${JSON.stringify(echo)}; node BFD after: ${still?.status}; BGP ${bgp?.bgpState}, peerBfdInfo ${JSON.stringify(bgp?.peerBfdInfo)}`,
    );
    assert.deepEqual(pick(n).slice(0, 4), ['up', ECHO_MS, ECHO_MS, ECHO_MS]);
    assert.deepEqual(pick(e).slice(0, 4), ['up', ECHO_MS, ECHO_MS, ECHO_MS]);
    for (const [k, v] of Object.entries(echo)) assert.ok(v >= 5, `${k}: ${v} echo packets in 2 s`);
    assert.equal(still?.status, 'up');
    assert.deepEqual([bgp?.bgpState, bgp?.peerBfdInfo?.status], ['Established', 'Up']);
    assert.ok((await runningConfig(node.vtysh)).includes(' neighbor 10.30.0.1 bfd profile echo\n'));
    assert.equal((await bgpPaths(ext.vtysh, PREFIX)).length, 1);
  });
});
