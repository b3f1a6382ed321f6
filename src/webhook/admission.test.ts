import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from './admission.js';
import type { AdmissionRequest } from './admission.js';
import type { Obj } from '../api/object.js';

const NS = 'metallb-system';
const obj = (kind: string, name: string, spec: Record<string, unknown>, apiVersion = 'metallb.io/v1beta1', created = '2026-01-01T00:00:00Z'): Obj => ({ apiVersion, kind, metadata: { name, namespace: NS, creationTimestamp: created }, spec });
const pool = (name: string, addresses: string[]): Obj => obj('IPAddressPool', name, { addresses });
const peer = (name: string, spec: Record<string, unknown>): Obj => obj('BGPPeer', name, spec, 'metallb.io/v1beta2');
const req = (operation: AdmissionRequest['operation'], o: Obj, old?: Obj): AdmissionRequest => {
  const [group, version] = (o.apiVersion ?? '').split('/') as [string, string];
  const metadata = { ...o.metadata };
  if (operation === 'CREATE') delete metadata['creationTimestamp'];
  return { uid: 'u', kind: { group, version, kind: o.kind! }, operation, name: o.metadata!.name!, namespace: NS, object: operation === 'DELETE' ? null : { ...o, metadata }, oldObject: old ?? null };
};

test('an IPAddressPool overlapping another is refused, naming both', () => {
  const d = decide(req('CREATE', pool('b', ['192.168.10.128/25'])), [pool('a', ['192.168.10.0/24'])]);
  assert.equal(d.allowed, false);
  assert.match(d.message ?? '', /pool "b" \(192\.168\.10\.128\/25\) overlaps pool "a" \(192\.168\.10\.0\/24\)/);
  assert.equal(decide(req('CREATE', pool('b', ['192.168.11.0/24'])), [pool('a', ['192.168.10.0/24'])]).allowed, true);
});

test('a second BGPPeer with the same address and VRF is refused; the newcomer is named', () => {
  const old = peer('first', { myASN: 64500, peerASN: 64501, peerAddress: '10.0.0.1' });
  const d = decide(req('CREATE', peer('second', { myASN: 64500, peerASN: 64502, peerAddress: '10.0.0.1' })), [old]);
  assert.equal(d.allowed, false);
  assert.match(d.message ?? '', /^BGPPeer second: an older BGPPeer already peers with 10\.0\.0\.1 in the default VRF/);
  assert.equal(decide(req('CREATE', peer('second', { myASN: 64500, peerASN: 64502, peerAddress: '10.0.0.1', vrf: 'red' })), [old]).allowed, true, 'another VRF is another session');
});

test('a BGPPeer naming a missing BFDProfile, or another myASN in one VRF, is refused', () => {
  const missing = decide(req('CREATE', peer('p', { myASN: 64500, peerASN: 64501, peerAddress: '10.0.0.1', bfdProfile: 'nope' })), []);
  assert.deepEqual(missing, { allowed: false, message: 'BGPPeer p: BFDProfile "nope" does not exist' });
  const present = decide(req('CREATE', peer('p', { myASN: 64500, peerASN: 64501, peerAddress: '10.0.0.1', bfdProfile: 'fast' })), [obj('BFDProfile', 'fast', {})]);
  assert.equal(present.allowed, true);
  const asn = decide(req('CREATE', peer('q', { myASN: 64999, peerASN: 64501, peerAddress: '10.0.0.2' })), [peer('p', { myASN: 64500, peerASN: 64501, peerAddress: '10.0.0.1' })]);
  assert.match(asn.message ?? '', /^BGPPeer q: myASN 64999 differs from 64500 used by an older peer in the default VRF/);
});

test('peers on disjoint nodes may share an address; on a common node they clash', () => {
  const node = (name: string, rack: string): Obj => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { rack } } });
  const sel = (rack: string): Record<string, unknown> => ({ nodeSelectors: [{ matchLabels: { rack } }] });
  const nodes = [node('n1', 'a'), node('n2', 'b')];
  const a = peer('a', { myASN: 64500, peerASN: 64501, peerAddress: '10.0.0.1', ...sel('a') });
  assert.equal(decide(req('CREATE', peer('b', { myASN: 64500, peerASN: 64501, peerAddress: '10.0.0.1', ...sel('b') })), [...nodes, a]).allowed, true);
  const d = decide(req('CREATE', peer('b', { myASN: 64500, peerASN: 64501, peerAddress: '10.0.0.1' })), [...nodes, a]);
  assert.match(d.message ?? '', /BGPPeer b: an older BGPPeer already peers with 10\.0\.0\.1 .* \(node n1\)/);
});

test('advertisements: a missing pool, an aggregation wider than the pool (0 = a default route), an unknown community alias', () => {
  const pools = [pool('p', ['192.168.10.0/24'])];
  const missing = decide(req('CREATE', obj('L2Advertisement', 'l2', { ipAddressPools: ['nope'] })), pools);
  assert.equal(missing.message, 'L2Advertisement l2: ipAddressPools names pool "nope", which does not exist; create the IPAddressPool first');
  const zero = decide(req('CREATE', obj('BGPAdvertisement', 'adv', { ipAddressPools: ['p'], aggregationLength: 0 })), pools);
  assert.match(zero.message ?? '', /^BGPAdvertisement adv: aggregationLength 0 is shorter than \/24 in pool p/);
  assert.equal(decide(req('CREATE', obj('BGPAdvertisement', 'adv', { ipAddressPools: ['p'], aggregationLength: 24 })), pools).allowed, true);
  const comm = decide(req('CREATE', obj('BGPAdvertisement', 'adv', { communities: ['no-such-alias'] })), pools);
  assert.match(comm.message ?? '', /community "no-such-alias" is neither/);
  // Narrowing the pool under an existing advertisement is refused on the pool.
  const adv = obj('BGPAdvertisement', 'adv', { ipAddressPools: ['p'], aggregationLength: 24 });
  const narrow = decide(req('UPDATE', pool('p', ['192.168.10.0/26']), pools[0]), [...pools, adv]);
  assert.match(narrow.message ?? '', /aggregationLength 24 is shorter than \/26 in pool p/);
});

test('deleting a BFDProfile in use is refused, naming the peers; unused it may go', () => {
  const prof = obj('BFDProfile', 'fast', {});
  const users = [peer('b', { myASN: 1, peerASN: 2, peerAddress: '10.0.0.2', bfdProfile: 'fast' }), peer('a', { myASN: 1, peerASN: 2, peerAddress: '10.0.0.1', bfdProfile: 'fast' })];
  const d = decide(req('DELETE', prof, prof), [prof, ...users]);
  assert.equal(d.allowed, false);
  assert.match(d.message ?? '', /^BFDProfile fast is used by BGPPeer a, b: remove spec\.bfdProfile from them first/);
  assert.equal(decide(req('DELETE', prof, prof), [prof]).allowed, true);
});

test('a problem already stored blocks no unrelated edit, and its fix is allowed', () => {
  const a = pool('a', ['192.168.10.0/24']);
  const b = pool('b', ['192.168.10.0/25']); // overlap written before the webhook existed
  assert.equal(decide(req('CREATE', pool('c', ['10.0.0.0/24'])), [a, b]).allowed, true);
  assert.equal(decide(req('UPDATE', pool('b', ['192.168.11.0/24']), b), [a, b]).allowed, true);
  const deleting = { ...b, metadata: { ...b.metadata, deletionTimestamp: '2026-01-02T00:00:00Z' } };
  assert.equal(decide(req('UPDATE', deleting, b), [a]).allowed, true, 'finalizer removal on the way out');
});
