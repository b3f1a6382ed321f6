// The informers a speaker (and the controller) keeps: core objects cluster-wide, metallb.io objects
// in the operator namespace. One place lists them, so RBAC and code agree.
import { Informer } from '../k8s/informer.js';
import type { InformerSpec } from '../k8s/informer.js';
import type { Kube, Obj } from '../k8s/client.js';
import type { KubeObject } from '../api/yaml.js';
import type { Logger } from '../util/log.js';
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
  if (spec['type'] !== 'LoadBalancer') return { ...base, spec: { type: spec['type'] } } as Obj;
  const annotations = Object.fromEntries(Object.entries(o.metadata?.annotations ?? {}).filter(([k]) => k.startsWith('metallb.')));
  return {
    ...base,
    metadata: { ...base.metadata, annotations },
    spec: pick(spec, ['type', 'externalTrafficPolicy', 'loadBalancerClass', 'ipFamilies']),
    status: pick(o['status'], ['loadBalancer']),
  } as Obj;
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

export class Caches {
  readonly informers: Informer[];
  constructor(kube: Kube, specs: InformerSpec[], log: Logger) {
    this.informers = specs.map((s) => new Informer(kube, s, log));
  }
  onChange(fn: (kind: string) => void): void {
    for (const i of this.informers) i.on(() => fn(i.spec.kind));
  }
  async start(): Promise<void> {
    for (const i of this.informers) i.start();
    await Promise.all(this.informers.map((i) => i.synced));
  }
  stop(): void {
    for (const i of this.informers) i.stop();
  }
  /** Every cached object, as the planners' input. */
  objects(): KubeObject[] {
    return this.informers.flatMap((i) => i.list() as Obj[]) as unknown as KubeObject[];
  }
  get(kind: string, namespace: string | undefined, name: string): Obj | undefined {
    return this.informers.find((i) => i.spec.kind === kind)?.get(namespace, name);
  }
}
