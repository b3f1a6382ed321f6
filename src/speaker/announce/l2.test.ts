// The layer 2 planner as a table: who answers for an IP, given the live speakers and the rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planL2 } from './l2.js';
import type { NodeView, ServiceView, Snapshot } from './snapshot.js';
import { EXCLUDE_LABEL } from './snapshot.js';
import type { L2Advertisement } from '../../api/l2advertisement.js';

const node = (name: string, labels: Record<string, string> = {}, networkUnavailable = false): NodeView => ({ name, labels, networkUnavailable });
const svc = (name: string, ip: string, extra: Partial<ServiceView> = {}): ServiceView => ({ namespace: 'ns', name, labels: {}, ips: [ip], externalTrafficPolicy: 'Cluster', ...extra });
const adv = (name: string, spec: L2Advertisement['spec']): L2Advertisement => ({ apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name, namespace: 'metallb-system' }, spec });
const NODES = ['a', 'b', 'c'];

function snap(p: Partial<Snapshot> = {}): Snapshot {
  return {
    nodes: NODES.map((n) => node(n)),
    peers: [],
    bfdProfiles: [],
    pools: [{ name: 'p', labels: {}, addresses: ['10.0.0.0/24'] }],
    bgpAdvertisements: [],
    l2Advertisements: [adv('all', {})],
    communities: [],
    services: Array.from({ length: 12 }, (_, i) => svc(`s${i}`, `10.0.0.${i + 1}`)),
    endpoints: Array.from({ length: 12 }, (_, i) => ({ service: `ns/s${i}`, nodeName: 'a', ready: true })),
    secrets: {},
    ...p,
  };
}
const owners = (s: Snapshot, live: string[]): Record<string, string> => Object.fromEntries(planL2(s, new Set(live)).assignments.map((a) => [a.ip, a.node]));

test('one node per IP, the same for every caller, and IPs spread over the nodes', () => {
  const o = owners(snap(), NODES);
  assert.equal(Object.keys(o).length, 12);
  assert.deepEqual(owners(snap(), [...NODES].reverse()), o, 'the order of the live set does not matter');
  assert.ok(new Set(Object.values(o)).size >= 2);
});

test('a dead speaker loses its IPs, and only its IPs move', () => {
  const before = owners(snap(), NODES);
  const dead = before['10.0.0.1']!;
  const after = owners(snap(), NODES.filter((n) => n !== dead));
  for (const [ip, n] of Object.entries(before)) {
    if (n === dead) assert.notEqual(after[ip], dead);
    else assert.equal(after[ip], n, `${ip} moved though its node lives`);
  }
  assert.deepEqual(planL2(snap(), new Set()).assignments, []);
});

test('excluded, NetworkUnavailable and unselected nodes never answer; ETP Local needs a local endpoint', () => {
  const nodes = [node('a', { [EXCLUDE_LABEL]: '' }), node('b', {}, true), node('c', { zone: 'x' })];
  assert.deepEqual(new Set(Object.values(owners(snap({ nodes }), NODES))), new Set(['c']));
  const sel = snap({ l2Advertisements: [adv('x', { nodeSelectors: [{ matchLabels: { zone: 'y' } }] })], nodes: [node('a'), node('b', { zone: 'y' }), node('c')] });
  assert.deepEqual(new Set(Object.values(owners(sel, NODES))), new Set(['b']));
  const local = snap({ services: [svc('l', '10.0.0.9', { externalTrafficPolicy: 'Local' })], endpoints: [{ service: 'ns/l', nodeName: 'c', ready: true }, { service: 'ns/l', nodeName: 'a', ready: false }] });
  assert.deepEqual(owners(local, NODES), { '10.0.0.9': 'c' });
  const none = snap({ services: [svc('n', '10.0.0.9')], endpoints: [] });
  assert.match(planL2(none, new Set(NODES)).notAnnounced['ns/n']!, /no eligible node/);
});

test('interfaces: the advertisements of the winner, an empty list meaning all', () => {
  const s = snap({ services: [svc('i', '10.0.0.5')], endpoints: [{ service: 'ns/i', ready: true }], l2Advertisements: [adv('e', { interfaces: ['eth1', 'eth0'] }), adv('f', { interfaces: ['eth0'] })] });
  assert.deepEqual(planL2(s, new Set(NODES)).assignments[0]!.interfaces, ['eth0', 'eth1']);
  s.l2Advertisements.push(adv('g', {}));
  assert.deepEqual(planL2(s, new Set(NODES)).assignments[0]!.interfaces, []);
});

test('another loadBalancerClass, or an IP in no layer 2 pool, is not announced', () => {
  const s = snap({ services: [svc('o', '10.0.0.5', { loadBalancerClass: 'other' }), svc('q', '10.9.9.9')], endpoints: [{ service: 'ns/o', ready: true }, { service: 'ns/q', ready: true }] });
  const p = planL2(s, new Set(NODES));
  assert.deepEqual(p.assignments, []);
  assert.match(p.notAnnounced['ns/o']!, /loadBalancerClass "other" is not ours/);
  const ours = planL2({ ...s, loadBalancerClass: 'other' }, new Set(NODES));
  assert.deepEqual(ours.assignments.map((a) => a.service), ['ns/o']);
  // BGP-only pools (AddressPool protocol bgp) are not layer 2
  const bgp = snap({ pools: [{ name: 'p', labels: {}, addresses: ['10.0.0.0/24'], protocol: 'bgp' }] });
  assert.deepEqual(planL2(bgp, new Set(NODES)).assignments, []);
});
