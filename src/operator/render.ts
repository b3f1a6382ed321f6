// The operator's renderer (pure): a MetalLB CR + templates + images → every object to apply, in
// apply order, deterministic to the byte (the reconciler hashes renders to skip unchanged writes).
import type { Obj } from '../k8s/client.js';
import type { MetalLB, WorkloadConfig } from '../api/metallb.js';
import type { Templates } from './templates.js';
import { findTemplate } from './templates.js';
import type { Images } from './images.js';
import { OWNER_LABEL, SINGLETON_NAME, clusterName, sccName } from './names.js';
import { addedCapabilities, applyWorkloadConfig, podSpec, setArgs } from './pods.js';

export interface RenderInput {
  metallb: MetalLB;
  namespace: string;
  images: Images;
  openshift: boolean;
  templates: Templates;
}

type Ref = [kind: string, name: string];
const ORDER: Ref[] = [
  ['ServiceAccount', 'controller'], ['ServiceAccount', 'speaker'],
  ['ClusterRole', 'controller'], ['ClusterRole', 'speaker'],
  ['ClusterRoleBinding', 'controller'], ['ClusterRoleBinding', 'speaker'],
  ['Role', 'controller'], ['Role', 'speaker'],
  ['RoleBinding', 'controller'], ['RoleBinding', 'speaker'],
  ['ConfigMap', 'frr-startup'],
];
const OPENSHIFT: Ref[] = [['SecurityContextConstraints', 'speaker'], ['Role', 'speaker-scc'], ['RoleBinding', 'speaker-scc']];
const CLUSTER_SCOPED = new Set(['ClusterRole', 'ClusterRoleBinding', 'SecurityContextConstraints']);

function labelled(o: Obj, component: string): void {
  o.metadata ??= { name: '' };
  const { ['app.kubernetes.io/component']: _c, ...rest } = o.metadata.labels ?? {};
  o.metadata.labels = {
    ...rest,
    'app.kubernetes.io/name': 'metallb',
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/managed-by': 'metallb-operator',
  };
}

/** Names, namespace, ownership; bindings point at the renamed roles and the right namespace. */
function place(o: Obj, in_: RenderInput): Obj {
  const ns = in_.namespace;
  const meta = o.metadata!;
  const component = meta.labels?.['app.kubernetes.io/component'] ?? 'speaker';
  labelled(o, component);
  if (CLUSTER_SCOPED.has(o.kind ?? '')) {
    meta.name = o.kind === 'SecurityContextConstraints' ? sccName(ns) : clusterName(ns, meta.name ?? '');
    meta.labels![OWNER_LABEL] = `${ns}.${SINGLETON_NAME}`;
    delete meta.namespace;
  } else {
    meta.namespace = ns;
    const uid = in_.metallb.metadata.uid;
    if (uid) meta.ownerReferences = [{ apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', name: in_.metallb.metadata.name, uid, controller: true, blockOwnerDeletion: true }];
  }
  const roleRef = o['roleRef'] as { kind: string; name: string } | undefined;
  if (roleRef?.kind === 'ClusterRole') roleRef.name = clusterName(ns, roleRef.name);
  for (const s of (o['subjects'] as { namespace?: string }[] | undefined) ?? []) s.namespace = ns;
  const rules = o['rules'] as { resourceNames?: string[] }[] | undefined;
  for (const r of rules ?? []) if (r.resourceNames) r.resourceNames = r.resourceNames.map((n) => (n === 'SCC_NAME' ? sccName(ns) : n));
  return o;
}

function logArgs(cr: MetalLB): string[] {
  const args = [`--log-level=${cr.spec?.logLevel ?? 'info'}`];
  if (cr.spec?.loadBalancerClass) args.push(`--lb-class=${cr.spec.loadBalancerClass}`);
  return args;
}

function controller(in_: RenderInput): Obj {
  const d = findTemplate(in_.templates, 'Deployment', 'controller');
  const spec = in_.metallb.spec ?? {};
  const pod = podSpec(d);
  pod.nodeSelector = { ...(pod.nodeSelector as Record<string, string>), ...(spec.controllerNodeSelector ?? {}) };
  if (spec.controllerTolerations?.length) pod.tolerations = spec.controllerTolerations;
  setArgs(pod, 'controller', in_.images.controller, logArgs(in_.metallb));
  applyWorkloadConfig(d, spec.controllerConfig as WorkloadConfig | undefined, 'controller');
  return d;
}

function speaker(in_: RenderInput): Obj {
  const ds = findTemplate(in_.templates, 'DaemonSet', 'speaker');
  const spec = in_.metallb.spec ?? {};
  const pod = podSpec(ds);
  // kubernetes.io/os: linux always, plus the CR's selector (seed 002: node-role.kubernetes.io/worker).
  pod.nodeSelector = { ...(pod.nodeSelector as Record<string, string>), ...(spec.nodeSelector ?? {}) };
  if (spec.speakerTolerations?.length) pod.tolerations = spec.speakerTolerations;
  setArgs(pod, 'speaker', in_.images.speaker, logArgs(in_.metallb));
  setArgs(pod, 'frr', in_.images.frr, []);
  applyWorkloadConfig(ds, spec.speakerConfig as WorkloadConfig | undefined, 'speaker');
  if (in_.openshift) {
    const tmeta = (ds['spec'] as { template: { metadata: { annotations?: Record<string, string> } } }).template.metadata;
    tmeta.annotations = { ...(tmeta.annotations ?? {}), 'openshift.io/required-scc': sccName(in_.namespace) };
  }
  return ds;
}

export function renderManifests(in_: RenderInput): Obj[] {
  const out: Obj[] = ORDER.map(([kind, name]) => place(findTemplate(in_.templates, kind, name), in_));
  const ds = place(speaker(in_), in_);
  if (in_.openshift) {
    const [scc, role, binding] = OPENSHIFT.map(([kind, name]) => place(findTemplate(in_.templates, kind, name), in_)) as [Obj, Obj, Obj];
    // The SCC allows exactly the capabilities the speaker pod adds: one list, read from the pod.
    scc['allowedCapabilities'] = addedCapabilities(ds);
    out.push(scc, role, binding);
  }
  out.push(place(controller(in_), in_), ds);
  return out;
}
