// The operator's RBAC (config/rbac/role.yaml, which the bundle's CSV carries) covers what it does
// and every rule of the roles it renders, on plain Kubernetes and on OpenShift, and no more on
// cluster-wide RBAC and SCCs than its own objects by name. The real proof is
// test/integration/bundle-install.test.ts (the operator run with exactly these permissions); this
// names the missing permission without a cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseObjects } from '../api/yaml.js';
import { repoRoot } from '../util/repo-root.js';
import { renderManifests } from '../operator/render.js';
import { loadTemplates } from '../operator/templates.js';
import { DEFAULT_IMAGES } from '../operator/images.js';
import type { MetalLB } from '../api/metallb.js';
import { missing, permissionsOf } from '../../test/helpers/rbac-coverage.js';
import type { PolicyRule } from '../../test/helpers/rbac-coverage.js';

const role = parseObjects(readFileSync(join(repoRoot(), 'config/rbac/role.yaml'), 'utf8'));
const rulesOf = (kind: string): PolicyRule[] => (role.find((o) => o.kind === kind)?.['rules'] as PolicyRule[] | undefined) ?? [];
const clusterRules = rulesOf('ClusterRole');
const namespaceRules = [...rulesOf('Role'), ...clusterRules];
const cr: MetalLB = { apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', metadata: { name: 'metallb', namespace: 'metallb-system', uid: 'u' }, spec: {} };
const templates = loadTemplates(join(repoRoot(), 'templates'));

/** group/plural of each kind the operator applies. */
const RESOURCE: Record<string, [string, string]> = {
  ServiceAccount: ['', 'serviceaccounts'], ConfigMap: ['', 'configmaps'], Role: ['rbac.authorization.k8s.io', 'roles'], RoleBinding: ['rbac.authorization.k8s.io', 'rolebindings'],
  Service: ['', 'services'], ValidatingWebhookConfiguration: ['admissionregistration.k8s.io', 'validatingwebhookconfigurations'],
  Deployment: ['apps', 'deployments'], DaemonSet: ['apps', 'daemonsets'], SecurityContextConstraints: ['security.openshift.io', 'securitycontextconstraints'],
};

for (const openshift of [false, true]) {
  // With every optional part: a referenced Secret, a node's Lease, the webhook.
  const cluster = { peerSecrets: ['bgp-password'], nodes: ['node-a'], webhook: { caBundle: 'CA' } };
  const objs = renderManifests({ metallb: cr, namespace: 'metallb-system', images: DEFAULT_IMAGES, openshift, templates, cluster });
  test(`${openshift ? 'OpenShift' : 'plain Kubernetes'}: the operator holds every permission of the roles it renders`, () => {
    assert.ok(!objs.some((x) => x.kind === 'ClusterRole' || x.kind === 'ClusterRoleBinding'), 'the workloads\' cluster-wide RBAC comes with the install');
    for (const o of objs.filter((x) => x.kind === 'Role')) {
      assert.deepEqual(missing(namespaceRules, (o['rules'] as PolicyRule[]) ?? []), [], `${o.kind} ${o.metadata?.name}`);
    }
  });
  // Server-side apply is a PATCH; the apiserver also checks `create` when the object is new, with
  // its name (so a rule limited by resourceNames allows it). Informers list and watch by label,
  // the shared SCC by name (a metadata.name field selector is authorized as that name).
  test(`${openshift ? 'OpenShift' : 'plain Kubernetes'}: the operator may watch and apply (patch, create) every kind it renders`, () => {
    for (const o of objs) {
      const [group, resource] = RESOURCE[o.kind ?? ''] ?? assert.fail(`no RBAC resource known for ${o.kind}`);
      const held = o.metadata?.namespace ? namespaceRules : clusterRules;
      const name = o.metadata?.name ?? '';
      const watchedByName = o.kind === 'SecurityContextConstraints';
      assert.deepEqual(missing(held, [
        { apiGroups: [group], resources: [resource], verbs: ['get', 'create', 'patch'], resourceNames: [name] },
        { apiGroups: [group], resources: [resource], verbs: ['list', 'watch'], ...(watchedByName ? { resourceNames: [name] } : {}) },
      ]), [], `${o.kind} ${name}`);
    }
  });
}

test('the operator may delete the cluster-scoped objects its finalizer removes and its workloads by name, and patch MetalLB status and finalizers', () => {
  assert.deepEqual(missing(clusterRules, [
    { apiGroups: ['security.openshift.io'], resources: ['securitycontextconstraints'], verbs: ['delete'], resourceNames: ['metallb-speaker'] },
    { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations'], verbs: ['list', 'delete'] },
    { apiGroups: ['metallb.io'], resources: ['metallbs'], verbs: ['list', 'watch', 'patch'] },
    { apiGroups: ['metallb.io'], resources: ['metallbs/status'], verbs: ['patch'] },
  ]), []);
  // An installation that yields to an older one removes its workloads (reconciler.ts).
  assert.deepEqual(missing(namespaceRules, [{ apiGroups: ['apps'], resources: ['deployments', 'daemonsets'], verbs: ['delete'], resourceNames: ['controller', 'speaker'] }]), []);
});

// 18.5: a stolen operator token must not rewrite any ClusterRole or binding, nor any SCC but ours,
// nor let a pod `use` another SCC (privileged among them). test/integration/bundle-install.test.ts
// asks the apiserver the same questions with the CSV's RBAC.
test('the operator holds no ClusterRole or ClusterRoleBinding rights and SCC rights only on metallb-speaker, by name', () => {
  const held = permissionsOf([...clusterRules, ...rulesOf('Role')]);
  assert.deepEqual(held.filter((p) => p.group === 'rbac.authorization.k8s.io' && p.resource.startsWith('cluster')), []);
  assert.deepEqual(held.filter((p) => p.resource === 'securitycontextconstraints' && p.name !== 'metallb-speaker'), []);
  assert.deepEqual(held.filter((p) => p.verb === 'escalate' || p.verb === 'bind' || p.verb === '*' || p.resource === '*'), []);
});

test('coverage is exact: a rule the operator lacks is named', () => {
  assert.deepEqual(missing([{ apiGroups: [''], resources: ['services'], verbs: ['get'] }], [{ apiGroups: [''], resources: ['services', 'nodes'], verbs: ['get', 'list'] }]), ['list core/services', 'get core/nodes', 'list core/nodes']);
  assert.deepEqual(missing([{ apiGroups: ['x'], resources: ['r'], verbs: ['use'], resourceNames: ['a'] }], [{ apiGroups: ['x'], resources: ['r'], verbs: ['use'], resourceNames: ['b'] }]), ['use x/r/b']);
});
