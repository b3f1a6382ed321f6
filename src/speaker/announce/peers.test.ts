// The apiserver and the speaker judge a BGPPeer by one rule (issue 18.1): a peer the CRD schema
// accepts is configured, one the speaker would have to skip is rejected by `kubectl apply`. The
// offline validator runs the CRD's own schema and CEL predicates (test/integration/api.test.ts
// proves it rejects what the real apiserver rejects), so agreement with it is agreement with kubectl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObject } from '../../api/validate.js';
import type { Obj } from '../../api/object.js';
import { snapshotFromObjects } from './build-snapshot.js';
import { planPeers } from './peers.js';

const NS = 'metallb-system';
const peer = (spec: Record<string, unknown>): Obj => ({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'p', namespace: NS }, spec: { myASN: 64520, peerASN: 64521, peerAddress: '192.168.1.1', ...spec } });
const withoutAddress = (spec: Record<string, unknown>): Obj => {
  const o = peer(spec);
  delete (o['spec'] as Record<string, unknown>)['peerAddress'];
  return o;
};

const long = (n: number): string => 'a'.repeat(n);
const CANDIDATES: Obj[] = [
  ...['eth0', 'bond0.100', 'net_1', 'a-b', '-x', '.x', '_x', 'veth@if3', long(15), long(16), 'é'].map((v) => withoutAddress({ interface: v, dynamicASN: 'external', peerASN: undefined })),
  ...['red', 'vrf-1', 'a.b', long(15), long(16), '-red', 'default', 'red blue'].map((vrf) => peer({ vrf })),
  ...['p', 'prof-1', 'a.b', long(63), long(64), 'Upper', 'under_score', '-p'].map((bfdProfile) => peer({ bfdProfile })),
  ...['s3cret', '!~', long(80), long(81), 'two words', 'tab\tx'].map((password) => peer({ password })),
  ...['0s', '3s', '90s', '65535s', '65536s', '19h'].map((holdTime) => peer({ holdTime })),
  ...['0s', '30s', '65535s', '65536s'].map((keepaliveTime) => peer({ holdTime: '0s', keepaliveTime }, )),
  ...['30s', '65535s', '65536s'].map((keepaliveTime) => peer({ holdTime: '65535s', keepaliveTime })),
  ...[64520, 64999, 1].map((localASN) => peer({ localASN })),
  ...['1s', '65535s', '65536s'].map((connectTime) => peer({ connectTime })),
];

test('every BGPPeer the CRD accepts is configured by the speaker, and every one it rejects would be skipped', () => {
  let accepted = 0;
  for (const o of CANDIDATES) {
    const spec = Object.fromEntries(Object.entries(o['spec'] as Record<string, unknown>).filter(([, v]) => v !== undefined));
    const obj = { ...o, spec };
    const v = validateObject(obj);
    // What a speaker would make of it, with every object it names present (a BFDProfile of that name).
    const bfd = typeof spec['bfdProfile'] === 'string' ? [{ apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name: spec['bfdProfile'], namespace: NS }, spec: {} }] : [];
    const snap = snapshotFromObjects([{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }, v.defaulted, ...bfd]);
    const r = planPeers(snap, { name: 'n1', labels: {}, networkUnavailable: false });
    const schemaOk = v.problems.length === 0;
    const speakerOk = r.sessions.length === 1;
    assert.equal(speakerOk, schemaOk, `${JSON.stringify(spec)}: schema ${JSON.stringify(v.problems)}, speaker ${JSON.stringify(r.skipped)}`);
    if (schemaOk) accepted++;
  }
  // Both outcomes are exercised.
  assert.ok(accepted > 10 && accepted < CANDIDATES.length - 10, `${accepted} of ${CANDIDATES.length} accepted`);
});

test('disable-connected-check exactly for single-hop IPv6 eBGP (upstream\'s rule), eBGP judged by the AS the session presents', () => {
  const v6 = { peerAddress: 'fc00:133::1' };
  const cases: [string, Record<string, unknown>, boolean][] = [
    ['IPv6 eBGP', v6, true],
    ['IPv6 iBGP', { ...v6, peerASN: 64520 }, false],
    ['IPv6 eBGP multihop', { ...v6, ebgpMultiHop: true }, false],
    ['IPv6 dynamicASN external', { ...v6, peerASN: undefined, dynamicASN: 'external' }, true],
    ['IPv6 dynamicASN internal', { ...v6, peerASN: undefined, dynamicASN: 'internal' }, false],
    ['IPv6, local-as equal to the peer\'s AS: iBGP to FRR', { ...v6, localASN: 64521 }, false],
    ['IPv6, local-as differing from the peer\'s', { ...v6, peerASN: 64520, localASN: 64530 }, true],
    ['IPv4 eBGP', {}, false],
  ];
  const got = cases.map(([what, spec]) => {
    const o = peer(spec);
    o['spec'] = Object.fromEntries(Object.entries(o['spec'] as Record<string, unknown>).filter(([, x]) => x !== undefined));
    const r = planPeers(snapshotFromObjects([{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }, o]), { name: 'n1', labels: {}, networkUnavailable: false });
    assert.deepEqual(r.skipped, [], what);
    return [what, r.sessions[0]!.neighbor.disableConnectedCheck === true];
  });
  assert.deepEqual(got, cases.map(([what, , want]) => [what, want]));
});
