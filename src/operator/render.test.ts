import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderManifests } from './render.js';
import { loadTemplates } from './templates.js';
import { DEFAULT_IMAGES } from './images.js';
import { addedCapabilities, podSpec } from './pods.js';
import { parseObjects, toYamlDocuments } from '../api/yaml.js';
import { assertGolden, repoRoot } from '../util/golden.js';
import type { MetalLB } from '../api/metallb.js';
import type { Obj } from '../k8s/client.js';

const templates = loadTemplates(join(repoRoot(), 'templates'));
const seed002 = parseObjects(readFileSync(join(repoRoot(), 'config/samples/metallb_v1beta1_metallb.yaml'), 'utf8'))[0] as unknown as MetalLB;
const withUid = (cr: MetalLB): MetalLB => ({ ...cr, metadata: { ...cr.metadata, uid: '10fe2c8f-7122-43ee-a735-b3062caf97e6' } });
const render = (cr: MetalLB, openshift = false): Obj[] => renderManifests({ metallb: withUid(cr), namespace: 'metallb-system', images: DEFAULT_IMAGES, openshift, templates });
const find = (objs: Obj[], kind: string): Obj => objs.find((o) => o.kind === kind)!;

const everything: MetalLB = {
  apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', metadata: { name: 'metallb', namespace: 'metallb-system' },
  spec: {
    logLevel: 'debug', loadBalancerClass: 'metallb.io/metallb',
    nodeSelector: { 'node-role.kubernetes.io/worker': '' },
    speakerTolerations: [{ key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' }],
    controllerNodeSelector: { 'node-role.kubernetes.io/infra': '' },
    controllerTolerations: [{ key: 'infra', operator: 'Equal', value: 'reserved', effect: 'NoExecute', tolerationSeconds: 60 }],
    speakerConfig: { priorityClassName: 'system-node-critical', runtimeClassName: 'runc', affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } }, annotations: { 'example.com/team': 'net' }, resources: { limits: { cpu: '500m', memory: '256Mi' } } },
    controllerConfig: { priorityClassName: 'system-cluster-critical', runtimeClassName: 'kata', affinity: { podAntiAffinity: {} }, annotations: { 'example.com/owner': 'infra' }, resources: { requests: { cpu: '100m', memory: '64Mi' } } },
  },
};

test('seed 002 CR (golden)', () => assertGolden(import.meta.url, 'seed-002', toYamlDocuments(render(seed002))));
test('tolerations and every speakerConfig/controllerConfig field (golden)', () => assertGolden(import.meta.url, 'all-fields', toYamlDocuments(render(everything))));
test('OpenShift mode (golden)', () => assertGolden(import.meta.url, 'openshift', toYamlDocuments(render(seed002, true))));

test('the controller never carries a fixed runAsUser or fsGroup (seed 000 failure)', () => {
  for (const cr of [seed002, everything]) {
    const text = JSON.stringify(find(render(cr, true), 'Deployment'));
    assert.doesNotMatch(text, /runAsUser|fsGroup/);
    const pod = podSpec(find(render(cr), 'Deployment'));
    assert.deepEqual(pod['securityContext'], { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  }
});

test('the SCC allows exactly the capabilities the speaker pod adds', () => {
  const objs = render(seed002, true);
  assert.deepEqual(find(objs, 'SecurityContextConstraints')['allowedCapabilities'], addedCapabilities(find(objs, 'DaemonSet')));
  assert.equal((find(objs, 'DaemonSet')['spec'] as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations['openshift.io/required-scc'], 'metallb-metallb-system-speaker');
});

test('speakers: kubernetes.io/os plus the CR selector; container named frr', () => {
  const pod = podSpec(find(render(seed002), 'DaemonSet'));
  assert.deepEqual(pod['nodeSelector'], { 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/worker': '' });
  assert.deepEqual(pod.containers.map((c) => c.name), ['speaker', 'frr']);
  assert.equal(pod['hostNetwork'], true);
});

test('no OpenShift objects on plain Kubernetes; namespaced objects are owned by the CR', () => {
  const objs = render(seed002);
  assert.ok(!objs.some((o) => o.kind === 'SecurityContextConstraints' || o.metadata?.name === 'speaker-scc'));
  for (const o of objs.filter((x) => x.metadata?.namespace)) assert.equal(o.metadata?.ownerReferences?.[0]?.kind, 'MetalLB', `${o.kind}/${o.metadata?.name}`);
  for (const o of objs.filter((x) => !x.metadata?.namespace)) assert.equal(o.metadata?.labels?.['metallb.io/owner'], 'metallb-system.metallb');
});

test('rendering is deterministic', () => {
  assert.equal(toYamlDocuments(render(everything, true)), toYamlDocuments(render(everything, true)));
});
