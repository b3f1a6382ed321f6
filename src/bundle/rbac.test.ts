// The operator's RBAC (config/rbac/role.yaml, which the bundle's CSV carries) covers what it does
// and every rule of the roles it renders, on plain Kubernetes and on OpenShift. The real proof is
// test/integration/bundle-install.test.ts (the operator run with exactly these permissions); this
// names the missing permission without a cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseObjects } from '../api/yaml.js';
import { repoRoot } from '../util/golden.js';
import { renderManifests } from '../operator/render.js';
import { loadTemplates } from '../operator/templates.js';
import { DEFAULT_IMAGES } from '../operator/images.js';
import type { MetalLB } from '../api/metallb.js';
import { missing } from './rbac-coverage.js';
import type { PolicyRule } from './rbac-coverage.js';

const role = parseObjects(readFileSync(join(repoRoot(), 'config/rbac/role.yaml'), 'utf8'));
const rulesOf = (kind: string): PolicyRule[] => (role.find((o) => o.kind === kind)?.['rules'] as PolicyRule[] | undefined) ?? [];
const clusterRules = rulesOf('ClusterRole');
const namespaceRules = [...rulesOf('Role'), ...clusterRules];
const cr: MetalLB = { apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', metadata: { name: 'metallb', namespace: 'metallb-system', uid: 'u' }, spec: {} };
const templates = loadTemplates(join(repoRoot(), 'templates'));

/** group/plural of each kind the operator applies. */
const RESOURCE: Record<string, [string, string]> = {
  ServiceAccount: ['', 'serviceaccounts'], ConfigMap: ['', 'configmaps'], Role: ['rbac.authorization.k8s.io', 'roles'], RoleBinding: ['rbac.authorization.k8s.io', 'rolebindings'],
  ClusterRole: ['rbac.authorization.k8s.io', 'clusterroles'], ClusterRoleBinding: ['rbac.authorization.k8s.io', 'clusterrolebindings'],
  Deployment: ['apps', 'deployments'], DaemonSet: ['apps', 'daemonsets'], SecurityContextConstraints: ['security.openshift.io', 'securitycontextconstraints'],
};

for (const openshift of [false, true]) {
  const objs = renderManifests({ metallb: cr, namespace: 'metallb-system', images: DEFAULT_IMAGES, openshift, templates });
  test(`${openshift ? 'OpenShift' : 'plain Kubernetes'}: the operator holds every permission of the roles it renders`, () => {
    for (const o of objs.filter((x) => x.kind === 'Role' || x.kind === 'ClusterRole')) {
      const held = o.kind === 'Role' ? namespaceRules : clusterRules;
      assert.deepEqual(missing(held, (o['rules'] as PolicyRule[]) ?? []), [], `${o.kind} ${o.metadata?.name}`);
    }
  });
  // Server-side apply is a PATCH; the apiserver also checks `create` when the object is new.
  test(`${openshift ? 'OpenShift' : 'plain Kubernetes'}: the operator may watch and apply (patch, create) every kind it renders`, () => {
    for (const o of objs) {
      const [group, resource] = RESOURCE[o.kind ?? ''] ?? assert.fail(`no RBAC resource known for ${o.kind}`);
      const held = o.metadata?.namespace ? namespaceRules : clusterRules;
      assert.deepEqual(missing(held, [{ apiGroups: [group], resources: [resource], verbs: ['get', 'list', 'watch', 'create', 'patch'] }]), [], `${o.kind} ${o.metadata?.name}`);
    }
  });
}

test('the operator may delete the cluster-scoped objects its finalizer removes, and patch MetalLB status and finalizers', () => {
  assert.deepEqual(missing(clusterRules, [
    { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles', 'clusterrolebindings'], verbs: ['list', 'delete'] },
    { apiGroups: ['security.openshift.io'], resources: ['securitycontextconstraints'], verbs: ['list', 'delete'] },
    { apiGroups: ['metallb.io'], resources: ['metallbs'], verbs: ['list', 'watch', 'patch'] },
    { apiGroups: ['metallb.io'], resources: ['metallbs/status'], verbs: ['patch'] },
  ]), []);
});

test('coverage is exact: a rule the operator lacks is named', () => {
  assert.deepEqual(missing([{ apiGroups: [''], resources: ['services'], verbs: ['get'] }], [{ apiGroups: [''], resources: ['services', 'nodes'], verbs: ['get', 'list'] }]), ['list core/services', 'get core/nodes', 'list core/nodes']);
  assert.deepEqual(missing([{ apiGroups: ['x'], resources: ['r'], verbs: ['use'], resourceNames: ['a'] }], [{ apiGroups: ['x'], resources: ['r'], verbs: ['use'], resourceNames: ['b'] }]), ['use x/r/b']);
});
