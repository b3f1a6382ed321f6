import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planBGP } from './bgp.js';
import { snapshotFromObjects } from './from-objects.js';
import type { KubeObject } from '../../api/yaml.js';
import { render } from '../frr/render.js';
import { assertGolden } from '../../util/golden.js';

const NS = 'metallb-system';
const node = (name: string, labels: Record<string, string> = {}, networkUnavailable = false): KubeObject => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name, labels },
  ...(networkUnavailable ? { status: { conditions: [{ type: 'NetworkUnavailable', status: 'True' }] } } : {}),
});
const cr = (kind: string, name: string, spec: Record<string, unknown>, labels?: Record<string, string>, version = 'v1beta1'): KubeObject =>
  ({ apiVersion: `metallb.io/${version}`, kind, metadata: { name, namespace: NS, ...(labels ? { labels } : {}) }, spec });
const svc = (name: string, ips: string[], extra: { etp?: string; labels?: Record<string, string>; lbClass?: string; ns?: string } = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: extra.ns ?? 'default', labels: extra.labels ?? {} },
  spec: { type: 'LoadBalancer', externalTrafficPolicy: extra.etp ?? 'Cluster', ...(extra.lbClass ? { loadBalancerClass: extra.lbClass } : {}) },
  status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } },
});
const eps = (service: string, nodes: string[], ns = 'default'): KubeObject => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: `${service}-x`, namespace: ns, labels: { 'kubernetes.io/service-name': service } },
  endpoints: nodes.map((n) => ({ addresses: ['10.0.0.1'], nodeName: n, conditions: { ready: true } })),
});

// Seed 002: AddressPool (bgp, six /32), BFDProfile test-bfd-prof, BGPPeer peer-test, MetalLB on workers.
const seed002 = (): KubeObject[] => [
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

interface Case { name: string; objects: KubeObject[]; node: string; prefixes?: string[]; reason?: RegExp; error?: RegExp; check?: (text: string) => void }
const base = (): KubeObject[] => [node('n1', { zone: 'a' }), node('n2', { zone: 'b' }), cr('IPAddressPool', 'p', { addresses: ['10.10.0.0/24', '2001:db8:5::/120'] }),
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
    cr('BGPPeer', 'r6', { myASN: 64512, peerASN: 64513, peerAddress: 'fd00::1' }, undefined, 'v1beta2'), svc('s', ['2001:db8:5::7']), eps('s', ['n1'])], check: (t) => assert.match(t, /address-family ipv6 unicast\n  network 2001:db8:5::7\/128/) },
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
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bgp', namespace: NS }, data: { password: Buffer.from('s3cret').toString('base64') } }], check: (t) => assert.match(t, /neighbor 192.168.1.1 password s3cret/) },
  { name: 'a Secret password with a line break is an error naming the peer (no injection)', node: 'n1', error: /BGPPeer r: the password in Secret metallb-system\/bgp contains a line break/, objects: [node('n1'), cr('BGPPeer', 'r', { myASN: 1, peerASN: 2, peerAddress: '192.168.1.1', passwordSecret: { name: 'bgp' } }, undefined, 'v1beta2'),
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bgp', namespace: NS }, data: { password: Buffer.from('x\nrouter bgp 666').toString('base64') } }] },
  { name: 'missing passwordSecret is an error', node: 'n1', error: /passwordSecret metallb-system\/bgp not found/, objects: [node('n1'), cr('BGPPeer', 'r', { myASN: 1, peerASN: 2, peerAddress: '192.168.1.1', passwordSecret: { name: 'bgp' } }, undefined, 'v1beta2')] },
];

for (const c of CASES) {
  test(`planBGP: ${c.name}`, () => {
    const plan = planBGP(snapshotFromObjects(c.objects), c.node);
    if (c.error) return assert.ok(plan.errors.some((e) => c.error!.test(e)), `errors: ${JSON.stringify(plan.errors)}`);
    assert.deepEqual(plan.errors, []);
    if (c.prefixes) assert.deepEqual([...new Set(plan.announcements.map((a) => a.prefix))].sort(), [...c.prefixes].sort());
    if (c.reason) assert.ok(Object.values(plan.notAnnounced).some((r) => c.reason!.test(r)), `reasons: ${JSON.stringify(plan.notAnnounced)}`);
    if (c.check) c.check(render(plan.config));
  });
}
