import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needsApply, withHash, recordOf, HASH_ANNOTATION } from './applied.js';
import type { Obj } from '../k8s/client.js';

const cm = (rv: string, hash?: string): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', resourceVersion: rv, ...(hash ? { annotations: { [HASH_ANNOTATION]: hash } } : {}) } });
const ds = (gen: number, rv: string): Obj => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 's', generation: gen, resourceVersion: rv } });

test('hash is stable and carried in an annotation', () => {
  const a = withHash(cm('1'));
  const b = withHash(cm('1'));
  assert.equal(a.hash, b.hash);
  assert.equal(a.obj.metadata?.annotations?.[HASH_ANNOTATION], a.hash);
});

test('missing object or changed render: apply', () => {
  assert.equal(needsApply('ConfigMap', 'h', undefined, undefined), true);
  assert.equal(needsApply('ConfigMap', 'h2', cm('5'), { hash: 'h1', resourceVersion: '5' }), true);
});

test('unchanged render, live object as we left it: no write', () => {
  assert.equal(needsApply('ConfigMap', 'h', cm('5'), { hash: 'h', resourceVersion: '5' }), false);
  // DaemonSet status updates bump resourceVersion, not generation: still no write
  assert.equal(needsApply('DaemonSet', 'h', ds(3, '99'), { hash: 'h', resourceVersion: '50', generation: 3 }), false);
});

test('someone else edited it: apply (revert)', () => {
  assert.equal(needsApply('ConfigMap', 'h', cm('6'), { hash: 'h', resourceVersion: '5' }), true);
  assert.equal(needsApply('DaemonSet', 'h', ds(4, '99'), { hash: 'h', resourceVersion: '50', generation: 3 }), true);
});

test('a cache older than our write is not drift', () => {
  assert.equal(needsApply('ConfigMap', 'h', cm('4'), { hash: 'h', resourceVersion: '5' }), false);
});

test('after a restart, an object carrying our hash is trusted', () => {
  assert.equal(needsApply('ConfigMap', 'h', cm('9', 'h'), undefined), false);
  assert.equal(needsApply('ConfigMap', 'h', cm('9', 'old'), undefined), true);
  assert.deepEqual(recordOf('h', ds(2, '7')), { hash: 'h', resourceVersion: '7', generation: 2 });
});
