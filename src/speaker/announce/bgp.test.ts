import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planBGP } from './bgp.js';
import { snapshotFromObjects } from './build-snapshot.js';
import type { Obj } from '../../api/object.js';
import { render } from '../frr/render.js';
import { assertGolden } from '../../../test/helpers/golden.js';

const NS = 'metallb-system';
const node = (name: string, labels: Record<string, string> = {}, networkUnavailable = false): Obj => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name, labels },
  ...(networkUnavailable ? { status: { conditions: [{ type: 'NetworkUnavailable', status: 'True' }] } } : {}),
});
const cr = (kind: string, name: string, spec: Record<string, unknown>, labels?: Record<string, string>, version = 'v1beta1'): Obj =>
  ({ apiVersion: `metallb.io/${version}`, kind, metadata: { name, namespace: NS, ...(labels ? { labels } : {}) }, spec });
const svc = (name: string, ips: string[], extra: { etp?: string; labels?: Record<string, string>; lbClass?: string; ns?: string } = {}): Obj => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: extra.ns ?? 'default', labels: extra.labels ?? {} },
  spec: { type: 'LoadBalancer', externalTrafficPolicy: extra.etp ?? 'Cluster', ...(extra.lbClass ? { loadBalancerClass: extra.lbClass } : {}) },
  status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } },
});
const eps = (service: string, nodes: string[], ns = 'default'): Obj => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: `${service}-x`, namespace: ns, labels: { 'kubernetes.io/service-name': service } },
  endpoints: nodes.map((n) => ({ addresses: ['10.0.0.1'], nodeName: n, conditions: { ready: true } })),
});

// Seed 002: AddressPool (bgp, six /32), BFDProfile test-bfd-prof, BGPPeer peer-test, MetalLB on workers.
const seed002 = (): Obj[] => [
  node('worker-0', { 'node-role.kubernetes.io/worker': '' }),
  node('worker-1', { 'node-role.kubernetes.io/worker': '' }),
  cr('AddressPool', 'address-pool-bgp', { protocol: 'bgp', autoAssign: true, addresses: ['192.168.155.150/32', '192.168.155.151/32', '192.168.155.152/32'] }),
  cr('BFDProfile', 'test-bfd-prof', { detectMultiplier: 37, echoMode: true, minimumTtl: 10, passiveMode: true, receiveInterval: 35, transmitInterval: 35 }),
  cr('BGPPeer', 'peer-test', { bfdProfile: 'test-bfd-prof', myASN: 64520, peerASN: 64521, peerAddress: '192.168.133.1' }),
  svc('test-frr', ['192.168.155.150'], { ns: 'test-metallb' }),
  eps('test-frr', ['worker-1'], 'test-metallb'),
];

test('seed 002: the node config holds the lines the seed shows (golden)', () => {
  const plan = planBGP(snapshotFromObjects(seed002()), 'worker-0');
  assert.deepEqual(plan.errors, []);
  const text = render(plan.config);
  for (const line of [
    'router bgp 64520', ' neighbor 192.168.133.1 remote-as 64521', ' neighbor 192.168.133.1 bfd profile test-bfd-prof', ' neighbor 192.168.133.1 timers 30 90',
    ' profile test-bfd-prof', '  detect-multiplier 37', '  transmit-interval 35', '  receive-interval 35', '  passive-mode', '  echo-mode', '  minimum-ttl 10',
    '  network 192.168.155.150/32',
  ]) assert.ok(text.split('\n').includes(line), `missing line "${line}"`);
  assert.deepEqual(plan.announcements, [{ service: 'test-metallb/test-frr', ip: '192.168.155.150', prefix: '192.168.155.150/32', peers: ['peer-test'] }]);
  assertGolden(import.meta.url, 'seed-002-worker-0', text);
});

test('seed 002: both workers announce an ETP Cluster Service (ECMP at the router)', () => {
  const snap = snapshotFromObjects(seed002());
  assert.equal(planBGP(snap, 'worker-0').announcements.length, 1);
  assert.equal(planBGP(snap, 'worker-1').announcements.length, 1);
});

test('seed 003: IPAddressPool + empty BGPAdvertisement announces 192.168.5.1/32', () => {
  const objs = [node('n1'), cr('IPAddressPool', 'first-pool', { addresses: ['192.168.5.0/24'] }), cr('BGPAdvertisement', 'example', {}),
    cr('BGPPeer', 'router', { myASN: 64512, peerASN: 64512, peerAddress: '192.168.7.10' }), svc('nginx', ['192.168.5.1']), eps('nginx', ['n1'])];
  const plan = planBGP(snapshotFromObjects(objs), 'n1');
  assert.deepEqual(plan.errors, []);
  assert.deepEqual(plan.announcements.map((a) => a.prefix), ['192.168.5.1/32']);
});

interface Case { name: string; objects: Obj[]; node: string; prefixes?: string[]; reason?: RegExp; error?: RegExp; check?: (text: string) => void }
const base = (): Obj[] => [node('n1', { zone: 'a' }), node('n2', { zone: 'b' }), cr('IPAddressPool', 'p', { addresses: ['10.10.0.0/24', '2001:db8:5::/120'] }),
  cr('BGPPeer', 'r4', { myASN: 64512, peerASN: 64513, peerAddress: '192.168.1.1' })];

const CASES: Case[] = [
  { name: 'no advertisement: IPAddressPool IPs are not announced', objects: [...base(), svc('s', ['10.10.0.1']), eps('s', ['n1'])], node: 'n1', prefixes: [], reason: /no BGPAdvertisement selects its pool/ },
  { name: 'ETP Local: announced only where a ready endpoint is', objects: [...base(), cr('BGPAdvertisement', 'a', {}), svc('s', ['10.10.0.1'], { etp: 'Local' }), eps('s', ['n2'])], node: 'n1', prefixes: [], reason: /externalTrafficPolicy is Local and node "n1" has no ready endpoint/ },
  { name: 'ETP Local on the endpoint node', objects: [...base(), cr('BGPAdvertisement', 'a', {}), svc('s', ['10.10.0.1'], { etp: 'Local' }), eps('s', ['n1'])], node: 'n1', prefixes: ['10.10.0.1/32'] },
  { name: 'no ready endpoint at all', objects: [...base(), cr('BGPAdvertisement', 'a', {}), svc('s', ['10.10.0.1'])], node: 'n1', prefixes: [], reason: /no ready endpoint/ },
  { name: 'exclusion label', objects: [node('n1', { 'node.kubernetes.io/exclude-from-external-load-balancers': '' }), ...base().slice(2), cr('BGPAdvertisement', 'a', {}), svc('s', ['10.10.0.1']), eps('s', ['n1'])], node: 'n1', prefixes: [], reason: /exclude-from-external-load-balancers/ },
  { name: 'NetworkUnavailable', objects: [node('n1', {}, true), ...base().slice(2), cr('BGPAdvertisement', 'a', {}), svc('s', ['10.10.0.1']), eps('s', ['n1'])], node: 'n1', prefixes: [], reason: /NetworkUnavailable/ },
  { name: 'cordoned node', objects: [{ ...node('n1'), spec: { unschedulable: true } }, ...base().slice(2), cr('BGPAdvertisement', 'a', {}), svc('s', ['10.10.0.1']), eps('s', ['n1'])], node: 'n1', prefixes: [], reason: /cordoned/ },
  { name: 'advertisement nodeSelectors', objects: [...base(), cr('BGPAdvertisement', 'a', { nodeSelectors: [{ matchLabels: { zone: 'b' } }] }), svc('s', ['10.10.0.1']), eps('s', ['n1'])], node: 'n1', prefixes: [], reason: /nodeSelectors do not match/ },
  { name: 'advertisement serviceSelectors', objects: [...base(), cr('BGPAdvertisement', 'a', { serviceSelectors: [{ matchLabels: { app: 'web' } }] }), svc('s', ['10.10.0.1'], { labels: { app: 'db' } }), eps('s', ['n1'])], node: 'n1', prefixes: [], reason: /serviceSelectors do not match/ },
  { name: 'aggregation, localPref and communities (alias, well-known, large)', node: 'n1', prefixes: ['10.10.0.0/24'],
    objects: [...base(), cr('Community', 'c', { communities: [{ name: 'my-alias', value: '64512:100' }] }),
      cr('BGPAdvertisement', 'a', { aggregationLength: 24, localPref: 150, communities: ['my-alias', 'no-export', 'large:64512:1:2'] }), svc('s', ['10.10.0.1']), svc('t', ['10.10.0.9']), eps('s', ['n1']), eps('t', ['n1'])],
    check: (t) => {
      assert.match(t, /set local-preference 150/);
      assert.match(t, /set community 64512:100 additive/);
      assert.match(t, /set community no-export additive/);
      assert.match(t, /set large-community 64512:1:2/);
    } },
  { name: 'conflicting localPref is an error, not a guess', node: 'n1', error: /localPref 200 and by another advertisement with localPref 100/,
    objects: [...base(), cr('BGPAdvertisement', 'a', { localPref: 100 }), cr('BGPAdvertisement', 'b', { localPref: 200 }), svc('s', ['10.10.0.1']), eps('s', ['n1'])] },
  { name: 'unknown community alias is an error', node: 'n1', error: /community "nope"/, objects: [...base(), cr('BGPAdvertisement', 'a', { communities: ['nope'] }), svc('s', ['10.10.0.1']), eps('s', ['n1'])] },
  { name: 'missing BFD profile is an error', node: 'n1', error: /BFDProfile "ghost"/, objects: [node('n1'), cr('BGPPeer', 'r', { myASN: 1, peerASN: 2, peerAddress: '192.168.1.1', bfdProfile: 'ghost' })] },
  { name: 'peer nodeSelectors: no session on other nodes', node: 'n2', prefixes: [], objects: [node('n1', { zone: 'a' }), node('n2', { zone: 'b' }), cr('IPAddressPool', 'p', { addresses: ['10.10.0.0/24'] }), cr('BGPAdvertisement', 'a', {}),
    cr('BGPPeer', 'r', { myASN: 1, peerASN: 2, peerAddress: '192.168.1.1', nodeSelectors: [{ matchLabels: { zone: 'a' } }] }), svc('s', ['10.10.0.1']), eps('s', ['n1'])], check: (t) => assert.doesNotMatch(t, /router bgp/) },
  { name: 'advertisement peers: only the named peer', node: 'n1', prefixes: ['10.10.0.1/32'], objects: [...base(), cr('BGPPeer', 'other', { myASN: 64512, peerASN: 65000, peerAddress: '192.168.1.2' }), cr('BGPAdvertisement', 'a', { peers: ['other'] }), svc('s', ['10.10.0.1']), eps('s', ['n1'])],
    check: (t) => {
      assert.match(t, /192\.168\.1\.2-pl-ipv4 seq \d+ permit 0\.0\.0\.0\/0 le 32/);
      assert.doesNotMatch(t, /192\.168\.1\.1-pl-ipv4/);
    } },
  { name: 'IPv6 pool and peer, aggregationLengthV6 default /128', node: 'n1', prefixes: ['2001:db8:5::7/128'], objects: [node('n1'), cr('IPAddressPool', 'p', { addresses: ['2001:db8:5::/120'] }), cr('BGPAdvertisement', 'a', {}),
    cr('BGPPeer', 'r6', { myASN: 64512, peerASN: 64513, peerAddress: 'fd00::1' }, undefined, 'v1beta2'), svc('s', ['2001:db8:5::7']), eps('s', ['n1'])], check: (t) => assert.match(t, /address-family ipv6 unicast\n {2}network 2001:db8:5::7\/128/) },
  { name: 'v4 peer without dualStackAddressFamily does not carry IPv6', node: 'n1', prefixes: [], reason: /no BGP session of this node carries IPv6/, objects: [...base(), cr('BGPAdvertisement', 'a', {}), svc('s', ['2001:db8:5::7']), eps('s', ['n1'])] },
  { name: 'dual-stack Service over a dualStackAddressFamily peer', node: 'n1', prefixes: ['10.10.0.1/32', '2001:db8:5::7/128'], objects: [node('n1'), cr('IPAddressPool', 'p', { addresses: ['10.10.0.0/24', '2001:db8:5::/120'] }), cr('BGPAdvertisement', 'a', {}),
    cr('BGPPeer', 'r', { myASN: 64512, peerASN: 64513, peerAddress: '192.168.1.1', dualStackAddressFamily: true }, undefined, 'v1beta2'), svc('s', ['10.10.0.1', '2001:db8:5::7']), eps('s', ['n1'])] },
  { name: 'VRF peer gets its own router', node: 'n1', prefixes: ['10.10.0.1/32'], objects: [...base(), cr('BGPPeer', 'rv', { myASN: 64512, peerASN: 64999, peerAddress: '172.16.0.1', vrf: 'red' }, undefined, 'v1beta2'), cr('BGPAdvertisement', 'a', {}), svc('s', ['10.10.0.1']), eps('s', ['n1'])],
    check: (t) => assert.match(t, /router bgp 64512 vrf red/) },
  { name: 'two ASNs in one VRF is an error', node: 'n1', error: /FRR runs one BGP instance per VRF/, objects: [...base(), cr('BGPPeer', 'x', { myASN: 1, peerASN: 2, peerAddress: '192.168.1.9' })] },
  { name: 'another loadBalancerClass is not ours', node: 'n1', prefixes: [], reason: /loadBalancerClass "other" is not ours/, objects: [...base(), cr('BGPAdvertisement', 'a', {}), svc('s', ['10.10.0.1'], { lbClass: 'other' }), eps('s', ['n1'])] },
  { name: 'layer2 AddressPool is not announced by BGP', node: 'n1', prefixes: [], reason: /announced by layer 2/, objects: [...base(), cr('AddressPool', 'l2', { protocol: 'layer2', addresses: ['10.20.0.0/24'] }), svc('s', ['10.20.0.1']), eps('s', ['n1'])] },
  { name: 'an IP in no pool', node: 'n1', prefixes: [], reason: /IP 10.99.0.1 is not in any pool/, objects: [...base(), cr('BGPAdvertisement', 'a', {}), svc('s', ['10.99.0.1']), eps('s', ['n1'])] },
  { name: 'passwordSecret is resolved', node: 'n1', prefixes: [], objects: [node('n1'), cr('BGPPeer', 'r', { myASN: 1, peerASN: 2, peerAddress: '192.168.1.1', passwordSecret: { name: 'bgp' } }, undefined, 'v1beta2'),
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bgp', namespace: NS }, type: 'kubernetes.io/basic-auth', data: { password: Buffer.from('s3cret').toString('base64') } }], check: (t) => assert.match(t, /neighbor 192.168.1.1 password s3cret/) },
  { name: 'a Secret password with a line break is an error naming the peer (no injection)', node: 'n1', error: /BGPPeer r: the password in Secret metallb-system\/bgp contains a line break/, objects: [node('n1'), cr('BGPPeer', 'r', { myASN: 1, peerASN: 2, peerAddress: '192.168.1.1', passwordSecret: { name: 'bgp' } }, undefined, 'v1beta2'),
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bgp', namespace: NS }, type: 'kubernetes.io/basic-auth', data: { password: Buffer.from('x\nrouter bgp 666').toString('base64') } }] },
  { name: 'a passwordSecret that is not kubernetes.io/basic-auth is refused, naming its type', node: 'n1', error: /BGPPeer r: Secret metallb-system\/bgp has type Opaque; a passwordSecret must be of type kubernetes.io\/basic-auth/, objects: [node('n1'), cr('BGPPeer', 'r', { myASN: 1, peerASN: 2, peerAddress: '192.168.1.1', passwordSecret: { name: 'bgp' } }, undefined, 'v1beta2'),
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bgp', namespace: NS }, type: 'Opaque', data: { password: Buffer.from('s3cret').toString('base64') } }] },
  { name: 'a passwordSecret in another namespace is refused', node: 'n1', error: /passwordSecret other\/bgp is not in the BGPPeer's namespace metallb-system/, objects: [node('n1'), cr('BGPPeer', 'r', { myASN: 1, peerASN: 2, peerAddress: '192.168.1.1', passwordSecret: { name: 'bgp', namespace: 'other' } }, undefined, 'v1beta2')] },
  { name: 'missing passwordSecret is an error', node: 'n1', error: /passwordSecret metallb-system\/bgp not found/, objects: [node('n1'), cr('BGPPeer', 'r', { myASN: 1, peerASN: 2, peerAddress: '192.168.1.1', passwordSecret: { name: 'bgp' } }, undefined, 'v1beta2')] },
];

for (const c of CASES) {
  test(`planBGP: ${c.name}`, () => {
    const plan = planBGP(snapshotFromObjects(c.objects), c.node);
    assert.deepEqual(plan.errors, []);
    if (c.error) assert.ok(plan.skipped.some((x) => c.error!.test(x.message)), `skipped: ${JSON.stringify(plan.skipped)}`);
    else assert.deepEqual(plan.skipped, []);
    // Whatever is skipped, the rest renders (FRR would take it).
    const text = render(plan.config);
    if (c.prefixes) assert.deepEqual([...new Set(plan.announcements.map((a) => a.prefix))].sort(), [...c.prefixes].sort());
    if (c.reason) assert.ok(Object.values(plan.notAnnounced).some((r) => c.reason!.test(r)), `reasons: ${JSON.stringify(plan.notAnnounced)}`);
    if (c.check) c.check(text);
  });
}

// Issue 18.1: one bad object must not take the config of every other one down with it.
const good = (): Obj[] => [...seed002().slice(0, 4), cr('BGPPeer', 'peer-test', { myASN: 64520, peerASN: 64521, peerAddress: '192.168.133.1' }), ...seed002().slice(5)];
const BAD_PEERS: { name: string; objects: Obj[]; skipped: RegExp }[] = [
  { name: 'a BGPPeer naming a missing BFDProfile', skipped: /^BGPPeer bad: BFDProfile "ghost" does not exist$/, objects: [cr('BGPPeer', 'bad', { myASN: 64520, peerASN: 64530, peerAddress: '192.168.133.9', bfdProfile: 'ghost' })] },
  { name: 'a BGPPeer naming a missing Secret', skipped: /^BGPPeer bad: passwordSecret metallb-system\/nope not found/, objects: [cr('BGPPeer', 'bad', { myASN: 64520, peerASN: 64530, peerAddress: '192.168.133.9', passwordSecret: { name: 'nope' } }, undefined, 'v1beta2')] },
  { name: 'a second BGPPeer with the same address', skipped: /^BGPPeer bad: an older BGPPeer already peers with 192\.168\.133\.1 in the default VRF/, objects: [{ ...cr('BGPPeer', 'bad', { myASN: 64520, peerASN: 64530, peerAddress: '192.168.133.1' }), metadata: { name: 'bad', namespace: NS, creationTimestamp: '2030-01-01T00:00:00Z' } }] },
  { name: 'a BGPPeer with another myASN in the default VRF', skipped: /^BGPPeer a-bad: myASN 65000 differs from 64520 used by an older peer in the default VRF/, objects: [{ ...cr('BGPPeer', 'a-bad', { myASN: 65000, peerASN: 64530, peerAddress: '192.168.133.9' }), metadata: { name: 'a-bad', namespace: NS, creationTimestamp: '2030-01-01T00:00:00Z' } }] },
  { name: 'a BGPPeer whose localASN is myASN (FRR refuses it)', skipped: /^BGPPeer bad: FRR would refuse it: localAsn: must differ from the router ASN$/, objects: [cr('BGPPeer', 'bad', { myASN: 64520, peerASN: 64530, peerAddress: '192.168.133.9', localASN: 64520 }, undefined, 'v1beta2')] },
  { name: 'a BGPAdvertisement with an unknown community', skipped: /^BGPAdvertisement bad: community "nope"/, objects: [cr('IPAddressPool', 'p2', { addresses: ['10.10.0.0/24'] }), cr('BGPAdvertisement', 'bad', { communities: ['nope'] }), svc('s2', ['10.10.0.1']), eps('s2', ['worker-0'])] },
  { name: 'a BGPAdvertisement with aggregationLength 0 (a default route)', skipped: /^BGPAdvertisement bad: aggregationLength 0 is shorter than \/24 in pool p2 \(addresses 10\.10\.0\.0\/24\)/, objects: [cr('IPAddressPool', 'p2', { addresses: ['10.10.0.0/24'] }), cr('BGPAdvertisement', 'bad', { aggregationLength: 0 }), svc('s2', ['10.10.0.1']), eps('s2', ['worker-0'])] },
];
for (const c of BAD_PEERS) {
  test(`planBGP: ${c.name} is skipped alone; the seed peer and its route are planned as before`, () => {
    const before = render(planBGP(snapshotFromObjects(good()), 'worker-0').config);
    const plan = planBGP(snapshotFromObjects([...good(), ...c.objects]), 'worker-0');
    assert.deepEqual(plan.errors, []);
    assert.equal(plan.skipped.length, 1, JSON.stringify(plan.skipped));
    assert.match(plan.skipped[0]!.message, c.skipped);
    assert.equal(render(plan.config), before);
    assert.deepEqual(plan.announcements.map((a) => a.prefix), ['192.168.155.150/32']);
  });
}

test('planBGP: aggregationLength is refused per pool: the advertisement still announces the pools it fits', () => {
  const objs = [node('n1'), cr('IPAddressPool', 'wide', { addresses: ['10.10.0.0/24'] }), cr('IPAddressPool', 'narrow', { addresses: ['10.20.0.0/28', '10.30.0.0-10.30.0.5'] }),
    cr('BGPAdvertisement', 'agg', { aggregationLength: 24 }), cr('BGPPeer', 'r', { myASN: 64512, peerASN: 64513, peerAddress: '192.168.1.1' }),
    svc('a', ['10.10.0.1']), svc('b', ['10.20.0.1']), eps('a', ['n1']), eps('b', ['n1'])];
  const plan = planBGP(snapshotFromObjects(objs), 'n1');
  assert.deepEqual(plan.announcements.map((a) => a.prefix), ['10.10.0.0/24']);
  assert.deepEqual(plan.skipped.map((x) => x.message), ['BGPAdvertisement agg: aggregationLength 24 is shorter than /28 in pool narrow (addresses 10.20.0.0/28): it would announce addresses outside the pool']);
  assert.match(plan.notAnnounced['default/b'] ?? '', /^skipped BGPAdvertisement agg: aggregationLength 24/);
  // The upstream rule for ranges: the widest CIDR of the range (10.30.0.0-10.30.0.5 is /30 + /31).
  const ranged = planBGP(snapshotFromObjects([...objs.filter((o) => o.metadata?.name !== 'agg'), cr('BGPAdvertisement', 'agg', { aggregationLength: 29 })]), 'n1');
  assert.match(ranged.skipped.map((x) => x.message).join(), /aggregationLength 29 is shorter than \/30 in pool narrow \(addresses 10\.30\.0\.0-10\.30\.0\.5\)/);
  const v6 = planBGP(snapshotFromObjects([node('n1'), cr('IPAddressPool', 'p6', { addresses: ['2001:db8::/120'] }), cr('BGPAdvertisement', 'a6', { aggregationLengthV6: 64 }), cr('BGPPeer', 'r', { myASN: 1, peerASN: 2, peerAddress: 'fd00::1' }, undefined, 'v1beta2')]), 'n1');
  assert.deepEqual(v6.skipped, []); // no Service yet: nothing is checked until a rule is used
});

test('planBGP: a Node that is gone is the one error that keeps the last good config', () => {
  const plan = planBGP(snapshotFromObjects(good()), 'nowhere');
  assert.deepEqual(plan.errors, ['node "nowhere" does not exist']);
});
