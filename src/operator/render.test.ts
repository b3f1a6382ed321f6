import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderManifests } from './render.js';
import type { ClusterFacts, RenderInput } from './render.js';
import { loadTemplates } from './templates.js';
import { DEFAULT_IMAGES } from './images.js';
import { parseObjects, toYamlDocuments } from '../api/yaml.js';
import { validateObject } from '../api/validate.js';
import { repoRoot } from '../util/repo-root.js';
import { assertGolden } from '../../test/helpers/golden.js';
import type { MetalLB } from '../api/metallb.js';
import type { Obj } from '../k8s/client.js';

type Container = {
  name: string;
  args?: string[];
  ports?: { containerPort: number; hostPort?: number }[];
  securityContext?: { capabilities?: { add?: string[]; drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
  resources?: unknown;
};
type PodTemplate = {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown> & { containers: Container[]; hostNetwork?: boolean };
};
type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };

const templates = loadTemplates(join(repoRoot(), 'templates'));
const seed002 = parseObjects(readFileSync(join(repoRoot(), 'config/samples/metallb_v1beta1_metallb.yaml'), 'utf8'))[0] as unknown as MetalLB;
const UID = '10fe2c8f-7122-43ee-a735-b3062caf97e6';
const withUid = (cr: MetalLB): MetalLB => ({ ...cr, metadata: { ...cr.metadata, uid: UID } });
const input = (cr: MetalLB, openshift = false, cluster?: ClusterFacts): RenderInput => ({ metallb: withUid(cr), namespace: 'metallb-system', images: DEFAULT_IMAGES, openshift, templates, ...(cluster ? { cluster } : {}) });
const render = (cr: MetalLB, openshift = false, cluster?: ClusterFacts): Obj[] => renderManifests(input(cr, openshift, cluster));
const find = (objs: Obj[], kind: string, name?: string): Obj => {
  const o = objs.find((x) => x.kind === kind && (name === undefined || x.metadata?.name === name));
  assert.ok(o, `${kind} ${name ?? ''} rendered`);
  return o;
};
const pod = (workload: Obj): PodTemplate => (workload['spec'] as { template: PodTemplate }).template;
const container = (workload: Obj, name: string): Container => pod(workload).spec.containers.find((c) => c.name === name)!;

const everything: MetalLB = {
  apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', metadata: { name: 'metallb', namespace: 'metallb-system' },
  spec: {
    logLevel: 'debug', loadBalancerClass: 'metallb.io/metallb',
    nodeSelector: { 'node-role.kubernetes.io/worker': '' },
    speakerTolerations: [{ key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' }],
    controllerNodeSelector: { 'node-role.kubernetes.io/infra': '' },
    controllerTolerations: [{ effect: 'NoExecute', tolerationSeconds: 60, value: 'reserved', operator: 'Equal', key: 'infra' }],
    speakerConfig: {
      priorityClassName: 'system-node-critical', runtimeClassName: 'runc',
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } },
      annotations: { 'example.com/team': 'net' },
      resources: { limits: { memory: '256Mi', cpu: '500m' } },
    },
    controllerConfig: {
      priorityClassName: 'system-cluster-critical', runtimeClassName: 'kata',
      affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { component: 'controller', app: 'metallb' } } } }] } },
      annotations: { 'example.com/owner': 'infra' },
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
    },
  },
};

test('the test CRs are valid MetalLBs', () => {
  for (const cr of [seed002, everything]) assert.deepEqual(validateObject(cr as never).problems, []);
});

test('seed 002 CR (golden)', () => assertGolden(import.meta.url, 'seed-002', toYamlDocuments(render(seed002))));
test('tolerations, logLevel, loadBalancerClass and every speakerConfig/controllerConfig field (golden)', () => assertGolden(import.meta.url, 'all-fields', toYamlDocuments(render(everything))));
test('OpenShift mode (golden)', () => assertGolden(import.meta.url, 'openshift', toYamlDocuments(render(seed002, true))));

test('webhook on: Service, configuration for this namespace with the CA, the controller serving it (golden)', () => {
  const objs = renderManifests(input(seed002, false, { peerSecrets: [], nodes: [], webhook: { caBundle: 'CA PEM' } }));
  const vwc = find(objs, 'ValidatingWebhookConfiguration', 'metallb-metallb-system-webhook-configuration');
  const hooks = vwc['webhooks'] as { name: string; clientConfig: { caBundle?: string; service: { namespace: string } }; namespaceSelector: unknown }[];
  assert.deepEqual(hooks.map((h) => h.name), ['ipaddresspoolvalidationwebhook.metallb.io', 'addresspoolvalidationwebhook.metallb.io', 'bgppeervalidationwebhook.metallb.io', 'bfdprofilevalidationwebhook.metallb.io', 'bgpadvertisementvalidationwebhook.metallb.io', 'l2advertisementvalidationwebhook.metallb.io', 'communityvalidationwebhook.metallb.io']);
  for (const h of hooks) {
    assert.equal(h.clientConfig.caBundle, Buffer.from('CA PEM').toString('base64'));
    assert.equal(h.clientConfig.service.namespace, 'metallb-system');
    assert.deepEqual(h.namespaceSelector, { matchLabels: { 'kubernetes.io/metadata.name': 'metallb-system' } });
  }
  assert.equal(vwc.metadata?.labels?.['metallb.io/owner'], 'metallb-system.metallb', 'removed by the finalizer with the rest');
  const c = (pod(find(objs, 'Deployment')).spec['containers'] as { name: string; args: string[] }[]).find((x) => x.name === 'controller')!;
  assert.ok(c.args.includes('--webhook-address=0.0.0.0:9443'));
  assert.equal(render(seed002).some((o) => o.kind === 'ValidatingWebhookConfiguration' || o.metadata?.name === 'webhook-service'), false, 'webhook off: none of it');
  const os = renderManifests(input(seed002, true, { peerSecrets: [], nodes: [], webhook: {} })); // service-ca
  const osHooks = find(os, 'ValidatingWebhookConfiguration', 'metallb-metallb-system-webhook-configuration');
  assert.equal(osHooks.metadata?.annotations?.['service.beta.openshift.io/inject-cabundle'], 'true');
  assert.equal(find(os, 'Service', 'webhook-service').metadata?.annotations?.['service.beta.openshift.io/serving-cert-secret-name'], 'webhook-server-cert');
  assert.ok((osHooks['webhooks'] as { clientConfig: { caBundle?: string } }[]).every((h) => h.clientConfig.caBundle === undefined), 'service-ca injects it');
  assertGolden(import.meta.url, 'webhook', toYamlDocuments(objs.filter((o) => o.metadata?.name === 'webhook-service' || ['ValidatingWebhookConfiguration', 'Deployment'].includes(o.kind ?? ''))));
});

test('objects and apply order, per mode', () => {
  const ids = (objs: Obj[]): string[] => objs.map((o) => `${o.kind}/${o.metadata?.name}`);
  const common = [
    'ServiceAccount/controller', 'ServiceAccount/speaker',
    'Role/controller', 'Role/speaker', 'Role/speaker-secrets', 'RoleBinding/controller', 'RoleBinding/speaker', 'RoleBinding/speaker-secrets', 'ConfigMap/frr-startup', 'ConfigMap/metallb-excludel2',
  ];
  const metrics = ['Service/controller-monitor-service', 'Service/speaker-monitor-service'];
  assert.deepEqual(ids(render(seed002)), [...common, 'Deployment/controller', 'DaemonSet/speaker', ...metrics]);
  assert.deepEqual(ids(render(seed002, true)), [...common, 'SecurityContextConstraints/metallb-speaker', 'Role/speaker-scc', 'RoleBinding/speaker-scc', 'Deployment/controller', 'DaemonSet/speaker', ...metrics]);
  const monitoring: ClusterFacts = { peerSecrets: [], nodes: [], metrics: { certificates: 'service-ca', monitoring: true } };
  assert.deepEqual(ids(render(seed002, true, monitoring)).slice(-7), [...metrics, 'Role/prometheus-k8s', 'RoleBinding/prometheus-k8s', 'ServiceMonitor/controller-monitor', 'ServiceMonitor/speaker-monitor', 'PrometheusRule/metallb-alerts']);
  assert.deepEqual(ids(render(seed002, false, { ...monitoring, metrics: { monitoring: true } })).slice(-5), [...metrics, 'ServiceMonitor/controller-monitor', 'ServiceMonitor/speaker-monitor', 'PrometheusRule/metallb-alerts'], 'the Prometheus Role is OpenShift\'s only');
});

test('the controller never carries a fixed runAsUser or fsGroup (seed 000 failure)', () => {
  for (const cr of [seed002, everything]) {
    for (const openshift of [false, true]) {
      const dep = find(render(cr, openshift), 'Deployment');
      assert.doesNotMatch(JSON.stringify(dep), /runAsUser|fsGroup|runAsGroup/);
      assert.deepEqual(pod(dep).spec['securityContext'], { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      assert.deepEqual(container(dep, 'controller').securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      assert.equal(pod(dep).metadata.annotations?.['openshift.io/required-scc'], undefined, 'the controller runs under the default restricted SCC');
    }
  }
});

test('the SCC allows exactly the union of the capabilities the speaker pod adds', () => {
  for (const cr of [seed002, everything]) {
    const objs = render(cr, true);
    const added = new Set(pod(find(objs, 'DaemonSet')).spec.containers.flatMap((c) => c.securityContext?.capabilities?.add ?? []));
    const scc = find(objs, 'SecurityContextConstraints');
    assert.deepEqual(new Set(scc['allowedCapabilities'] as string[]), added);
    assert.equal((scc['allowedCapabilities'] as string[]).length, added.size, 'no duplicates');
  }
  const ds = find(render(seed002, true), 'DaemonSet');
  assert.deepEqual(container(ds, 'speaker').securityContext?.capabilities, { drop: ['ALL'], add: ['NET_RAW', 'DAC_OVERRIDE'] });
  assert.deepEqual(container(ds, 'frr').securityContext?.capabilities?.drop, ['ALL']);
  assert.deepEqual(find(render(seed002, true), 'SecurityContextConstraints')['allowedCapabilities'],
    ['CHOWN', 'DAC_OVERRIDE', 'KILL', 'NET_ADMIN', 'NET_BIND_SERVICE', 'NET_RAW', 'SETGID', 'SETUID', 'SYS_ADMIN']);
});

test('the SCC: host network and ports, nothing privileged, granted only through RBAC use', () => {
  const objs = render(seed002, true);
  const scc = find(objs, 'SecurityContextConstraints');
  assert.equal(scc.metadata?.namespace, undefined);
  assert.equal(scc.metadata?.labels?.['metallb.io/owner'], undefined, 'shared by every installation: rendered the same by each');
  assert.equal(scc.metadata?.ownerReferences, undefined);
  for (const [k, v] of Object.entries({
    allowHostNetwork: true, allowHostPorts: true, allowPrivilegedContainer: false, allowPrivilegeEscalation: false,
    requiredDropCapabilities: ['MKNOD'], runAsUser: { type: 'RunAsAny' }, seLinuxContext: { type: 'MustRunAs' },
    fsGroup: { type: 'RunAsAny' }, supplementalGroups: { type: 'RunAsAny' }, seccompProfiles: ['runtime/default'],
    volumes: ['configMap', 'emptyDir', 'projected', 'secret', 'downwardAPI'], users: [], groups: [],
  })) assert.deepEqual(scc[k], v, k);
  assert.deepEqual(find(objs, 'Role', 'speaker-scc')['rules'], [{ apiGroups: ['security.openshift.io'], resources: ['securitycontextconstraints'], resourceNames: ['metallb-speaker'], verbs: ['use'] }]);
  assert.deepEqual(find(objs, 'RoleBinding', 'speaker-scc')['subjects'], [{ kind: 'ServiceAccount', name: 'speaker', namespace: 'metallb-system' }]);
  assert.equal(pod(find(objs, 'DaemonSet')).metadata.annotations?.['openshift.io/required-scc'], 'metallb-speaker');
  // Every volume type the speaker pod uses is allowed.
  const types = pod(find(objs, 'DaemonSet')).spec['volumes'] as Record<string, unknown>[];
  for (const v of types) for (const t of Object.keys(v).filter((k) => k !== 'name')) assert.ok((scc['volumes'] as string[]).includes(t), t);
});

test('no hostPort on pods off the host network; the speaker declares its host port', () => {
  for (const cr of [seed002, everything]) {
    for (const o of render(cr, true).filter((x) => x.kind === 'Deployment' || x.kind === 'DaemonSet')) {
      const t = pod(o);
      if (t.spec.hostNetwork) continue;
      for (const c of t.spec.containers) for (const p of c.ports ?? []) assert.equal(p.hostPort, undefined, `${o.kind}/${o.metadata?.name} ${c.name}`);
    }
  }
  const ds = find(render(seed002), 'DaemonSet');
  assert.equal(pod(ds).spec.hostNetwork, true);
  assert.equal(pod(ds).spec['dnsPolicy'], 'ClusterFirstWithHostNet');
  assert.deepEqual(container(ds, 'speaker').ports?.map((p) => [p.containerPort, p.hostPort]), [[7472, 7472]]);
});

test('rendering is deterministic: twice, and for the same CR written in another key order', () => {
  const a = toYamlDocuments(render(everything, true));
  assert.equal(toYamlDocuments(render(everything, true)), a);
  const reorder = (v: unknown): unknown => Array.isArray(v) ? v.map(reorder) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reorder(x)])) : v;
  assert.equal(toYamlDocuments(render(reorder(everything) as MetalLB, true)), a);
});

test('rendering changes neither the CR nor the templates', () => {
  const cr = structuredClone(withUid(everything));
  const before = JSON.stringify([cr, templates]);
  const objs = renderManifests({ ...input(cr, true), metallb: cr });
  assert.equal(JSON.stringify([cr, templates]), before);
  // The output shares nothing with the CR: editing it leaves the CR alone.
  (pod(find(objs, 'DaemonSet')).spec['tolerations'] as { key: string }[])[0]!.key = 'changed';
  assert.equal(cr.spec.speakerTolerations?.[0]?.key, 'node-role.kubernetes.io/master');
});

test('labels and ownership: namespaced objects owned by the CR; the SCC, shared, carries no owner', () => {
  for (const openshift of [false, true]) {
    for (const o of render(seed002, openshift)) {
      const id = `${o.kind}/${o.metadata?.name}`;
      const l = o.metadata?.labels ?? {};
      assert.equal(l['app.kubernetes.io/name'], 'metallb', id);
      assert.equal(l['app.kubernetes.io/managed-by'], 'metallb-operator', id);
      assert.ok(['controller', 'speaker'].includes(l['app.kubernetes.io/component'] ?? ''), id);
      assert.ok(!['ClusterRole', 'ClusterRoleBinding'].includes(o.kind ?? ''), `${id}: cluster-wide RBAC comes with the install`);
      if (o.kind === 'SecurityContextConstraints') {
        assert.equal(o.metadata?.name, 'metallb-speaker', id);
        assert.equal(o.metadata?.namespace, undefined, id);
        assert.equal(l['metallb.io/owner'], undefined, id);
      } else {
        assert.equal(o.metadata?.namespace, 'metallb-system', id);
        assert.deepEqual(o.metadata?.ownerReferences, [{ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', name: 'metallb', uid: UID, controller: true, blockOwnerDeletion: true }], id);
      }
    }
  }
  // Without a uid (offline), no ownerReference can be written.
  const offline = renderManifests({ ...input(seed002), metallb: seed002 });
  assert.ok(offline.every((o) => o.metadata?.ownerReferences === undefined));
});

test('another namespace: bindings and the webhook configuration follow it; the SCC is the same one, rendered the same', () => {
  const cluster: ClusterFacts = { peerSecrets: [], nodes: [], webhook: { caBundle: 'CA' } };
  const objs = renderManifests({ ...input(seed002, true), namespace: 'lb', cluster });
  assert.deepEqual(find(objs, 'RoleBinding', 'speaker')['roleRef'], { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'speaker' });
  assert.deepEqual(find(objs, 'RoleBinding', 'speaker-scc')['subjects'], [{ kind: 'ServiceAccount', name: 'speaker', namespace: 'lb' }]);
  assert.equal(find(objs, 'ValidatingWebhookConfiguration').metadata?.name, 'metallb-lb-webhook-configuration');
  assert.equal(find(objs, 'ValidatingWebhookConfiguration').metadata?.labels?.['metallb.io/owner'], 'lb.metallb');
  const scc = (o: Obj[]): string => JSON.stringify(find(o, 'SecurityContextConstraints'));
  assert.equal(scc(objs), scc(renderManifests({ ...input(seed002, true), cluster })), 'two installations never fight over it');
  assert.ok(objs.every((o) => o.metadata?.namespace === undefined || o.metadata.namespace === 'lb'));
});

test('least privilege: Secrets only in the operator namespace; cluster-wide rules are the listed ones', () => {
  const objs = render(seed002, true);
  // The workloads' cluster-wide RBAC is installed with the operator (ADR 0014).
  const workloads = parseObjects(readFileSync(join(repoRoot(), 'config/rbac/workloads.yaml'), 'utf8'));
  const clusterRules = (name: string): Rule[] => find(workloads, 'ClusterRole', name)['rules'] as Rule[];
  for (const name of ['metallb-controller', 'metallb-speaker']) {
    for (const r of clusterRules(name)) {
      assert.ok(!r.resources.some((x) => x === 'secrets' || x === 'configmaps' || x === '*'), `${name}: ${r.resources.join(', ')}`);
      assert.ok(!r.verbs.includes('*') && !r.verbs.includes('delete') && !r.verbs.includes('update'), `${name}: ${r.verbs.join(', ')}`);
      assert.ok(!r.apiGroups.includes('metallb.io'), `${name}: metallb.io kinds are namespaced`);
    }
  }
  assert.deepEqual(clusterRules('metallb-speaker').flatMap((r) => r.resources).sort(), ['endpointslices', 'events', 'nodes', 'services', 'subjectaccessreviews', 'tokenreviews']);
  assert.deepEqual(clusterRules('metallb-controller').flatMap((r) => r.resources).sort(), ['events', 'namespaces', 'nodes', 'services', 'services/status', 'subjectaccessreviews', 'tokenreviews']);
  assert.ok(!(find(objs, 'Role', 'controller')['rules'] as Rule[]).some((r) => r.resources.includes('secrets')), 'the controller reads no Secrets');
});

test('least privilege: Secrets, Leases and the legacy ConfigMap by name; no update where a patch does', () => {
  const cluster: ClusterFacts = { peerSecrets: ['bgp-b', 'bgp-a'], nodes: ['worker-1', 'worker-0'] };
  const rules = (objs: Obj[], kind: string, name: string): Rule[] => find(objs, kind, name)['rules'] as Rule[];
  const objs = render(seed002, false, cluster);
  const namespaced = objs.filter((o) => o.kind === 'Role').flatMap((o) => (o['rules'] as Rule[]).map((r) => ({ role: o.metadata?.name ?? '', ...r })));
  // Secrets and ConfigMaps: never without names.
  for (const r of namespaced.filter((x) => x.resources.some((res) => res === 'secrets' || res === 'configmaps'))) assert.ok(r.resourceNames?.length, `${r.role}: ${r.resources.join(', ')} without resourceNames`);
  assert.deepEqual(rules(objs, 'Role', 'speaker-secrets'), [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['bgp-a', 'bgp-b'], verbs: ['get', 'list', 'watch'] }]);
  assert.deepEqual(rules(render(seed002), 'Role', 'speaker-secrets'), [], 'no BGPPeer names a Secret: no rule (an empty resourceNames would grant all)');
  // The speakers write only their own Leases; the controller only its leader Lease.
  const speakerLeases = rules(objs, 'Role', 'speaker').filter((r) => r.resources.includes('leases'));
  assert.deepEqual(speakerLeases, [
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['list', 'watch', 'create'] },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['metallb-speaker-worker-0', 'metallb-speaker-worker-1'], verbs: ['get', 'patch', 'delete'] },
  ]);
  assert.deepEqual(rules(objs, 'Role', 'controller').filter((r) => r.resources.includes('leases')).map((r) => [r.verbs, r.resourceNames]), [[['create'], undefined], [['get', 'update'], ['metallb-controller']]]);
  // update (a full PUT) only on the controller's Lease: every other write is a patch.
  const updates = namespaced.filter((r) => r.verbs.includes('update'));
  assert.deepEqual(updates.map((r) => `${r.role}: ${r.resources.join(',')} ${r.resourceNames?.join(',') ?? ''}`), ['controller: leases metallb-controller']);
});

test('speakerGratuitousARPInterval becomes the speaker\'s --l2-gratuitous-interval; the controller does not get it', () => {
  const objs = render({ ...everything, spec: { ...everything.spec, speakerGratuitousARPInterval: '30s' } });
  assert.deepEqual(container(find(objs, 'DaemonSet'), 'speaker').args?.slice(-1), ['--l2-gratuitous-interval=30s']);
  assert.ok(!container(find(objs, 'Deployment'), 'controller').args?.some((a) => a.startsWith('--l2')));
});

test('workload settings from the CR', () => {
  const objs = render(everything);
  const dep = find(objs, 'Deployment');
  const ds = find(objs, 'DaemonSet');
  assert.deepEqual(container(dep, 'controller').args, ['--namespace=$(NAMESPACE)', '--log-level=debug', '--lb-class=metallb.io/metallb']);
  assert.deepEqual(container(ds, 'speaker').args, ['--namespace=$(NAMESPACE)', '--vty-socket=/var/run/frr', '--log-level=debug', '--lb-class=metallb.io/metallb']);
  assert.deepEqual(pod(dep).spec['nodeSelector'], { 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/infra': '' });
  assert.deepEqual(pod(dep).spec['tolerations'], [{ key: 'infra', operator: 'Equal', value: 'reserved', effect: 'NoExecute', tolerationSeconds: 60 }]);
  assert.deepEqual(pod(ds).spec['tolerations'], everything.spec.speakerTolerations);
  assert.equal(pod(dep).spec['priorityClassName'], 'system-cluster-critical');
  assert.equal(pod(ds).spec['runtimeClassName'], 'runc');
  assert.deepEqual(pod(dep).metadata.annotations, { 'example.com/owner': 'infra' });
  assert.deepEqual(container(ds, 'speaker').resources, { limits: { cpu: '500m', memory: '256Mi' } });
  assert.equal(container(ds, 'frr').resources, undefined, 'speakerConfig.resources are the speaker container\'s');
  assert.deepEqual(pod(ds).spec['affinity'], everything.spec.speakerConfig?.affinity);

  const plain = render(seed002);
  assert.deepEqual(container(find(plain, 'Deployment'), 'controller').args, ['--namespace=$(NAMESPACE)', '--log-level=info']);
  assert.deepEqual(pod(find(plain, 'DaemonSet')).spec['nodeSelector'], { 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/worker': '' });
  assert.equal(pod(find(plain, 'DaemonSet')).spec['tolerations'], undefined);
  assert.equal(pod(find(plain, 'DaemonSet')).metadata.annotations, undefined, 'no openshift.io/required-scc off OpenShift');
  // kubernetes.io/os: linux holds whatever the CR says.
  const os = render({ ...seed002, spec: { nodeSelector: { 'kubernetes.io/os': 'windows' } } });
  assert.equal((pod(find(os, 'DaemonSet')).spec['nodeSelector'] as Record<string, string>)['kubernetes.io/os'], 'linux');
});

test('the speaker pod: containers speaker and frr sharing FRR\'s directories, images, one node at a time', () => {
  const objs = renderManifests({ ...input(seed002), images: { controller: 'c:1', speaker: 's:1', frr: 'f:1' } });
  const ds = find(objs, 'DaemonSet');
  assert.deepEqual(pod(ds).spec.containers.map((c) => c.name), ['speaker', 'frr']);
  assert.deepEqual(pod(ds).spec.containers.map((c) => (c as { image?: string }).image), ['s:1', 'f:1']);
  assert.equal((container(find(objs, 'Deployment'), 'controller') as { image?: string }).image, 'c:1');
  const mounts = (c: string): Record<string, string> => Object.fromEntries((container(ds, c).volumeMounts ?? []).map((m) => [m.mountPath, m.name]));
  for (const dir of ['/var/run/frr', '/etc/frr']) assert.equal(mounts('speaker')[dir], mounts('frr')[dir], dir);
  const volumes = pod(ds).spec['volumes'] as { name: string; emptyDir?: unknown; configMap?: { name: string } }[];
  assert.ok(volumes.find((v) => v.name === mounts('frr')['/var/run/frr'])?.emptyDir);
  assert.ok(volumes.find((v) => v.name === mounts('frr')['/etc/frr'])?.emptyDir);
  assert.equal(volumes.find((v) => v.name === mounts('frr')['/etc/frr-startup'])?.configMap?.name, 'frr-startup');
  assert.ok(mounts('speaker')['/tmp'], 'the speaker writes vtysh batches to /tmp on a read-only root');
  assert.deepEqual((ds['spec'] as { updateStrategy: unknown }).updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
  assert.deepEqual(find(objs, 'DaemonSet').metadata?.labels?.['app.kubernetes.io/component'], 'speaker');
});

test('the FRR startup ConfigMap starts zebra, bgpd and bfdd with an integrated vtysh config', () => {
  const data = find(render(seed002), 'ConfigMap', 'frr-startup')['data'] as Record<string, string>;
  assert.deepEqual(Object.keys(data).sort(), ['daemons', 'frr.conf', 'start.sh', 'vtysh.conf']);
  assert.match(data['daemons']!, /^bgpd=yes$/m);
  assert.match(data['daemons']!, /^bfdd=yes$/m);
  assert.match(data['vtysh.conf']!, /^service integrated-vtysh-config$/m);
  assert.match(data['start.sh']!, /^#!\/bin\/sh/);
});

test('metrics over HTTPS: the flag, the certificate mount and HTTPS probes; the ServiceMonitors trust the right CA (golden)', () => {
  const facts = (certificates: 'service-ca' | 'self-signed' | undefined): ClusterFacts => ({ peerSecrets: [], nodes: [], metrics: { monitoring: true, ...(certificates ? { certificates } : {}) } });
  const self = render(seed002, false, facts('self-signed'));
  for (const [kind, name, secret] of [['Deployment', 'controller', 'controller-certs-secret'], ['DaemonSet', 'speaker', 'speaker-certs-secret']] as const) {
    const w = find(self, kind);
    const c = container(w, name) as Container & { livenessProbe?: { httpGet?: { scheme?: string } }; readinessProbe?: { httpGet?: { scheme?: string } } };
    assert.ok(c.args?.includes('--metrics-cert-dir=/etc/metallb/metrics-certs'), name);
    assert.deepEqual(c.volumeMounts?.find((m) => m.name === 'metrics-cert')?.mountPath, '/etc/metallb/metrics-certs');
    assert.equal(c.livenessProbe?.httpGet?.scheme, 'HTTPS');
    assert.equal(c.readinessProbe?.httpGet?.scheme, 'HTTPS');
    const vol = (pod(w).spec['volumes'] as { name: string; secret?: { secretName: string; items: { key: string }[] } }[]).find((v) => v.name === 'metrics-cert');
    assert.equal(vol?.secret?.secretName, secret);
    assert.deepEqual(vol?.secret?.items.map((i) => i.key), ['tls.crt', 'tls.key'], 'the CA key in the same Secret never reaches the pod');
  }
  const tlsOf = (objs: Obj[], name: string): Record<string, unknown> => ((find(objs, 'ServiceMonitor', name)['spec'] as { endpoints: { tlsConfig: Record<string, unknown> }[] }).endpoints[0]!.tlsConfig);
  assert.deepEqual(tlsOf(self, 'speaker-monitor'), { ca: { secret: { name: 'speaker-certs-secret', key: 'ca.crt' } }, serverName: 'speaker-monitor-service.metallb-system.svc' });
  const os = render(seed002, true, facts('service-ca'));
  assert.deepEqual(tlsOf(os, 'controller-monitor'), { caFile: '/etc/prometheus/configmaps/serving-certs-ca-bundle/service-ca.crt', serverName: 'controller-monitor-service.metallb-system.svc' });
  assert.equal(find(os, 'Service', 'speaker-monitor-service').metadata?.annotations?.['service.beta.openshift.io/serving-cert-secret-name'], 'speaker-certs-secret');
  assert.deepEqual(find(os, 'RoleBinding', 'prometheus-k8s')['subjects'], [{ kind: 'ServiceAccount', name: 'prometheus-k8s', namespace: 'openshift-monitoring' }], 'not moved to our namespace');
  const plain = render(seed002, false, facts(undefined));
  assert.ok(!(container(find(plain, 'DaemonSet'), 'speaker').args ?? []).some((a) => a.startsWith('--metrics-cert-dir')));
  assert.deepEqual((find(plain, 'ServiceMonitor', 'speaker-monitor')['spec'] as { endpoints: Record<string, unknown>[] }).endpoints[0]!['scheme'], 'http');
  const rules = JSON.stringify(find(os, 'PrometheusRule')['spec']);
  assert.doesNotMatch(rules, /NAMESPACE/);
  assert.match(rules, /metallb_bgp_session_up\{namespace=\\"metallb-system\\"\} == 0/);
  assertGolden(import.meta.url, 'metrics', toYamlDocuments(os.filter((o) => ['Service', 'ServiceMonitor', 'PrometheusRule', 'RoleBinding'].includes(o.kind ?? '') && /monitor|prometheus|alerts/.test(o.metadata?.name ?? ''))));
});
