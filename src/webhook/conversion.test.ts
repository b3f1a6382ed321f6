import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertReview } from './conversion.js';
import { convertBGPPeer, V1BETA2_FIELDS_ANNOTATION } from '../api/bgppeer-conversion.js';
import { bgpPeerSpecV1beta2, V1BETA1_FIELDS } from '../api/bgppeer.js';
import type { Obj } from '../api/object.js';

/** A value for every v1beta2 field (shapes as users write them). */
const SAMPLE: Record<string, unknown> = {
  myASN: 64500, peerASN: 64501, dynamicASN: 'external', localASN: 64999, peerAddress: '10.0.0.1', interface: 'eth1', sourceAddress: '10.0.0.2', peerPort: 1179,
  holdTime: '9s', keepaliveTime: '3s', connectTime: '5s', routerID: '10.10.10.10', nodeSelectors: [{ matchLabels: { 'kubernetes.io/hostname': 'worker-0' } }],
  password: 'pw', passwordSecret: { name: 'peer-secret' }, bfdProfile: 'fast', ebgpMultiHop: true, vrf: 'red', enableGracefulRestart: true, disableMP: false, dualStackAddressFamily: true,
};

const v1beta2Fields = Object.keys((bgpPeerSpecV1beta2.toJSON() as { properties: Record<string, unknown> }).properties);

const peer = (apiVersion: string, spec: Record<string, unknown>, annotations?: Record<string, string>): Obj => ({
  apiVersion, kind: 'BGPPeer', metadata: { name: 'p', namespace: 'metallb-system', uid: 'u-1', resourceVersion: '7', labels: { a: 'b' }, ...(annotations ? { annotations } : {}) },
  spec, status: { established: '1/2' },
});

test('the sample covers every v1beta2 field (a new field must get a value here)', () => {
  assert.deepEqual(v1beta2Fields.filter((f) => !(f in SAMPLE)), []);
});

test('v1beta2 → v1beta1 → v1beta2 gives back the same object, for 500 random field sets', () => {
  let seed = 42;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 500; i++) {
    const spec = Object.fromEntries(v1beta2Fields.filter(() => rand() < 0.5).map((f) => [f, SAMPLE[f]]));
    const original = peer('metallb.io/v1beta2', spec, rand() < 0.3 ? { 'user/note': 'kept' } : undefined);
    const down = convertBGPPeer(original, 'metallb.io/v1beta1');
    assert.deepEqual(Object.keys(down['spec'] as object).filter((k) => !(V1BETA1_FIELDS as readonly string[]).includes(k)), [], 'v1beta1 shows only its own fields');
    assert.deepEqual(convertBGPPeer(down, 'metallb.io/v1beta2'), original, JSON.stringify(spec));
  }
});

test('v1beta1 → v1beta2 → v1beta1 gives back the same object', () => {
  const spec = Object.fromEntries(V1BETA1_FIELDS.map((f) => [f, SAMPLE[f]]));
  const original = peer('metallb.io/v1beta1', spec);
  const up = convertBGPPeer(original, 'metallb.io/v1beta2');
  assert.equal((up.metadata?.['annotations'] as object | undefined)?.[V1BETA2_FIELDS_ANNOTATION as never], undefined);
  assert.deepEqual(convertBGPPeer(up, 'metallb.io/v1beta1'), original);
});

test('a v1beta1 writer keeps the v1beta2-only fields and wins on its own', () => {
  const stored = peer('metallb.io/v1beta2', { myASN: 64500, dynamicASN: 'internal', interface: 'eth1', connectTime: '5s', holdTime: '90s' });
  const seen = convertBGPPeer(stored, 'metallb.io/v1beta1');
  assert.deepEqual(seen['spec'], { myASN: 64500, holdTime: '90s' });
  assert.equal((seen.metadata?.['annotations'] as Record<string, string>)[V1BETA2_FIELDS_ANNOTATION], '{"connectTime":"5s","dynamicASN":"internal","interface":"eth1"}');
  // kubectl edit: holdTime changed, everything else written back as read.
  const edited = { ...seen, spec: { ...(seen['spec'] as object), holdTime: '30s' } };
  assert.deepEqual(convertBGPPeer(edited, 'metallb.io/v1beta2')['spec'], { myASN: 64500, holdTime: '30s', dynamicASN: 'internal', interface: 'eth1', connectTime: '5s' });
});

test('an annotation that is not a JSON object is left for the user to see, the spec converted', () => {
  const o = peer('metallb.io/v1beta1', { myASN: 1, peerASN: 2, peerAddress: '10.0.0.1' }, { [V1BETA2_FIELDS_ANNOTATION]: '{broken' });
  const up = convertBGPPeer(o, 'metallb.io/v1beta2');
  assert.deepEqual(up['spec'], o['spec']);
  assert.equal((up.metadata?.['annotations'] as Record<string, string>)[V1BETA2_FIELDS_ANNOTATION], '{broken');
});

test('a review converts every object, or fails as a whole naming the object', () => {
  const ok = convertReview({ uid: 'x', desiredAPIVersion: 'metallb.io/v1beta1', objects: [peer('metallb.io/v1beta2', { myASN: 1, interface: 'eth0' }), peer('metallb.io/v1beta1', { myASN: 1 })] });
  assert.deepEqual(ok.result, { status: 'Success' });
  assert.deepEqual(ok.convertedObjects.map((o) => o.apiVersion), ['metallb.io/v1beta1', 'metallb.io/v1beta1']);
  const bad = convertReview({ uid: 'y', desiredAPIVersion: 'metallb.io/v1', objects: [peer('metallb.io/v1beta2', { myASN: 1 })] });
  assert.deepEqual(bad, { uid: 'y', convertedObjects: [], result: { status: 'Failure', message: 'metallb-system/p: BGPPeer has no version metallb.io/v1 (served: metallb.io/v1beta1, metallb.io/v1beta2)' } });
  assert.equal(convertReview({ uid: 'z', desiredAPIVersion: 'metallb.io/v1beta1', objects: [{ ...peer('metallb.io/v1beta2', {}), kind: 'BFDProfile' }] }).result.status, 'Failure');
});
