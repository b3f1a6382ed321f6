import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installationConflict, installationsOf } from './installations.js';
import type { Installation } from './installations.js';
import type { Obj } from '../k8s/client.js';

const F = 'metallb.io/cluster-resources';
const cr = (namespace: string, cls: string, since: string | undefined, extra: Record<string, unknown> = {}): Obj =>
  ({ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', metadata: { name: 'metallb', namespace, finalizers: [F], ...(since ? { annotations: { 'metallb.io/serving-since': since } } : {}), ...extra }, spec: cls ? { loadBalancerClass: cls } : {} });
const at = (ns: string, since: string, cls = ''): Installation => ({ namespace: ns, loadBalancerClass: cls, since });

test('installations: only claimed MetalLBs (finalizer and serving-since) that are not being deleted count', () => {
  const crs = [
    cr('a', '', '2026-01-01T00:00:00Z'),
    cr('b', 'x', '2026-01-02T00:00:00Z'),
    cr('c', '', '2026-01-03T00:00:00Z', { deletionTimestamp: '2026-12-06T00:00:00Z' }),
    cr('d', '', undefined), // its operator has not claimed it yet
    cr('e', '', '2026-01-04T00:00:00Z', { finalizers: [] }), // no operator holds it
    { ...cr('f', '', '2026-01-05T00:00:00Z'), metadata: { ...cr('f', '', '2026-01-05T00:00:00Z').metadata, name: 'other' } } as Obj, // not the singleton
  ];
  assert.deepEqual(installationsOf(crs, F), [at('a', '2026-01-01T00:00:00Z'), at('b', '2026-01-02T00:00:00Z', 'x')]);
});

test('installations: the oldest of a class keeps it; another class, or none other, deploys', () => {
  const a = at('a', '2026-01-01T00:00:00Z');
  assert.equal(installationConflict('a', '', [a]), undefined);
  // b is not claimed yet: a was there first
  assert.match(installationConflict('b', '', [a]) ?? '', /installation in namespace "a" \(since 2026-01-01T00:00:00Z\) already serves the default loadBalancerClass/);
  assert.equal(installationConflict('b', 'metallb.io/b', [a]), undefined, 'another class: other Services');
  // both claimed at once: the older keeps it, ties broken by namespace name
  const b = at('b', '2026-01-01T00:00:00Z');
  assert.equal(installationConflict('a', '', [a, b]), undefined);
  assert.match(installationConflict('b', '', [a, b]) ?? '', /namespace "a"/);
  const older = at('z', '2025-12-31T00:00:00Z', 'c');
  assert.match(installationConflict('a', 'c', [a, older]) ?? '', /namespace "z".*loadBalancerClass "c"/);
});
