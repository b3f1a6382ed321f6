import { test } from 'node:test';
import assert from 'node:assert/strict';
import { digestRef, parseDigests, pinImages, PinError } from './pin-images.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const R = 'quay.io/metallb-operator-ts';

test('digests: ref + digest lines, or build-local.sh index rows (ref, archive, digest, aliases)', () => {
  const m = parseDigests(`# ours\n${R}/metallb:v0.1.0\t${D1}\n${R}/speaker:v0.1.0\t/x/speaker.tar\t${D2}\t-\n\n`, 'f');
  assert.deepEqual([...m], [[`${R}/metallb:v0.1.0`, D1], [`${R}/speaker:v0.1.0`, D2]]);
  assert.throws(() => parseDigests(`${R}/metallb:v0.1.0 latest\n`, 'f'), /f:1: '.*metallb:v0.1.0' has no sha256/);
  assert.throws(() => parseDigests(`${R}/a:v1 ${D1}\n${R}/a:v1 ${D2}\n`, 'f'), /f:2: .* two digests/);
  assert.throws(() => parseDigests(`${R}/a@${D1} ${D1}\n`, 'f'), /already a digest reference/);
});

test('digestRef drops the tag, keeps a registry port', () => {
  assert.equal(digestRef(`${R}/metallb:v0.1.0`, D1), `${R}/metallb@${D1}`);
  assert.equal(digestRef('localhost:5000/x/y:v1', D1), `localhost:5000/x/y@${D1}`);
  assert.equal(digestRef('localhost:5000/x/y', D1), `localhost:5000/x/y@${D1}`);
});

test('pinImages: every listed reference by digest, a longer tag not cut by a shorter one, the bundle image left', () => {
  const files = new Map([
    ['csv.yaml', `image: ${R}/metallb:v0.1.0\nvalue: ${R}/speaker:v0.1.0\nother: ${R}/speaker:v0.1.0-rc1\n`],
    ['catalog.yaml', `image: ${R}/metallb-operator-bundle:v0.1.0\n- image: ${R}/metallb:v0.1.0\n`],
  ]);
  const digests = new Map([[`${R}/metallb:v0.1.0`, D1], [`${R}/speaker:v0.1.0`, D2], [`${R}/speaker:v0.1.0-rc1`, D1]]);
  const out = pinImages(files, digests);
  assert.equal(out.get('csv.yaml'), `image: ${R}/metallb@${D1}\nvalue: ${R}/speaker@${D2}\nother: ${R}/speaker@${D1}\n`);
  assert.equal(out.get('catalog.yaml'), `image: ${R}/metallb-operator-bundle:v0.1.0\n- image: ${R}/metallb@${D1}\n`);
});

test('pinImages refuses a half-pinned result, naming the file and the image left by tag', () => {
  const files = new Map([['csv.yaml', `image: ${R}/metallb:v0.1.0\nvalue: ${R}/speaker:v0.1.0\n`]]);
  assert.throws(() => pinImages(files, new Map([[`${R}/metallb:v0.1.0`, D1]])), (e: unknown) => e instanceof PinError && /csv\.yaml: quay\.io\/metallb-operator-ts\/speaker:v0\.1\.0/.test(e.message) && !e.message.includes('metallb:v0.1.0'));
  // another repository's image is not ours to pin
  assert.equal(pinImages(new Map([['a', 'image: registry.k8s.io/pause:3.10\n']]), new Map()).get('a'), 'image: registry.k8s.io/pause:3.10\n');
});
