import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installationConflict, installationsOf } from './installations.js';
import type { Installation } from './installations.js';
import type { Obj } from '../k8s/client.js';

const role = (owner: string, cls: string, created: string): Obj =>
  ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `metallb-${owner}-controller`, creationTimestamp: created, labels: { 'metallb.io/owner': owner }, annotations: { 'metallb.io/load-balancer-class': cls } } }) as Obj;
const at = (ns: string, since: string, cls = ''): Installation => ({ namespace: ns, loadBalancerClass: cls, since });

test('installations: only those whose MetalLB exists and is not being deleted count', () => {
  const crs: Record<string, Obj> = {
    'a/metallb': { metadata: { name: 'metallb' } } as Obj,
    'c/metallb': { metadata: { name: 'metallb', deletionTimestamp: '2026-12-06T00:00:00Z' } } as Obj,
  };
  const roles = [role('a.metallb', '', '2026-01-01T00:00:00Z'), role('b.metallb', 'x', '2026-01-02T00:00:00Z'), role('c.metallb', '', '2026-01-03T00:00:00Z'), role('nodot', '', 't')];
  assert.deepEqual(installationsOf(roles, (n, m) => crs[`${n}/${m}`]), [at('a', '2026-01-01T00:00:00Z')]);
});

test('installations: the oldest of a class keeps it; another class, or none other, deploys', () => {
  const a = at('a', '2026-01-01T00:00:00Z');
  assert.equal(installationConflict('a', '', [a]), undefined);
  // b has no ClusterRole yet: a was there first
  assert.match(installationConflict('b', '', [a]) ?? '', /installation in namespace "a" \(since 2026-01-01T00:00:00Z\) already serves the default loadBalancerClass/);
  assert.equal(installationConflict('b', 'metallb.io/b', [a]), undefined, 'another class: other Services');
  // both deployed at once: the older keeps it, ties broken by namespace name
  const b = at('b', '2026-01-01T00:00:00Z');
  assert.equal(installationConflict('a', '', [a, b]), undefined);
  assert.match(installationConflict('b', '', [a, b]) ?? '', /namespace "a"/);
  const older = at('z', '2025-12-31T00:00:00Z', 'c');
  assert.match(installationConflict('a', 'c', [a, older]) ?? '', /namespace "z".*loadBalancerClass "c"/);
});
