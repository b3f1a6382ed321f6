// What the speaker and the controller watch: core objects cluster-wide, metallb.io objects in the
// operator namespace, each reduced to what its program reads. One place lists them, so the Roles
// (templates/) and the code agree.
import type { InformerSpec } from './informer.js';
import type { Obj } from './client.js';
import { LEGACY_CONFIGMAP } from '../api/object-names.js';

type Fields = Record<string, unknown>;
const pick = (o: unknown, keys: readonly string[]): Fields => {
  const out: Fields = {};
  for (const k of keys) if (o && typeof o === 'object' && (o as Fields)[k] !== undefined) out[k] = (o as Fields)[k];
  return out;
};
const META = ['name', 'namespace', 'uid', 'resourceVersion', 'labels'] as const;

/**
 * What the speaker reads of a Service (serviceView, Events): every other Service is reduced to its
 * identity and type, since a cluster has many more ClusterIP Services than LoadBalancer ones.
 */
export function projectService(o: Obj): Obj {
  const spec = (o['spec'] ?? {}) as Fields;
  const base = { apiVersion: o.apiVersion, kind: o.kind, metadata: pick(o.metadata, META) };
  if (spec['type'] !== 'LoadBalancer') return { ...base, spec: { type: spec['type'] } };
  const annotations = Object.fromEntries(Object.entries(o.metadata?.annotations ?? {}).filter(([k]) => k.startsWith('metallb.')));
  return {
    ...base,
    metadata: { ...base.metadata, annotations },
    spec: pick(spec, ['type', 'externalTrafficPolicy', 'loadBalancerClass', 'ipFamilies']),
    status: pick(o['status'], ['loadBalancer']),
  };
}

/** What the speaker reads of an EndpointSlice: its Service, and each endpoint's node and readiness. */
export function projectEndpointSlice(o: Obj): Obj {
  const labels = o.metadata?.labels ?? {};
  const endpoints = ((o['endpoints'] ?? []) as { nodeName?: string; conditions?: { ready?: boolean } }[]).map((e) => ({ ...pick(e, ['nodeName']), conditions: pick(e.conditions, ['ready']) }));
  return {
    apiVersion: o.apiVersion, kind: o.kind,
    metadata: { ...pick(o.metadata, ['name', 'namespace', 'uid', 'resourceVersion']), labels: pick(labels, ['kubernetes.io/service-name']) },
    endpoints,
  } as Obj;
}

export function speakerInformerSpecs(namespace: string): InformerSpec[] {
  return [
    { apiVersion: 'v1', kind: 'Node' },
    { apiVersion: 'v1', kind: 'Service', project: projectService },
    { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', project: projectEndpointSlice },
    // Only the legacy ConfigMap, by name: the Role allows no other (Secrets: speaker/secrets.ts).
    { apiVersion: 'v1', kind: 'ConfigMap', namespace, fieldSelector: `metadata.name=${LEGACY_CONFIGMAP}` },
    ...['BGPPeer:v1beta2', 'BFDProfile', 'IPAddressPool', 'AddressPool', 'BGPAdvertisement', 'L2Advertisement', 'Community'].map((k) => {
      const [kind = '', version = 'v1beta1'] = k.split(':');
      return { apiVersion: `metallb.io/${version}`, kind, namespace };
    }),
  ];
}

export function controllerInformerSpecs(namespace: string): InformerSpec[] {
  return [
    { apiVersion: 'v1', kind: 'Service' },
    { apiVersion: 'v1', kind: 'Namespace' },
    { apiVersion: 'v1', kind: 'ConfigMap', namespace, fieldSelector: `metadata.name=${LEGACY_CONFIGMAP}` },
    { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', namespace },
    { apiVersion: 'metallb.io/v1beta1', kind: 'AddressPool', namespace },
    // Only to mirror the layer 2 node into the Service annotations (l2-annotations.ts).
    { apiVersion: 'metallb.io/v1beta1', kind: 'ServiceL2Status', namespace, project: (o) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata?.name, namespace: o.metadata?.namespace, labels: o.metadata?.labels, creationTimestamp: o.metadata?.creationTimestamp, resourceVersion: o.metadata?.resourceVersion }, status: o['status'] }) },
    // Only for status.established (peer-summary.ts): the speakers write the sessions it counts.
    { apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', namespace, project: (o) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata?.name, namespace: o.metadata?.namespace, resourceVersion: o.metadata?.resourceVersion }, status: o['status'] }) },
  ];
}
