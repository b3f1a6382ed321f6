// The informers a speaker (and the controller) keeps: core objects cluster-wide, metallb.io objects
// and Secrets in the operator namespace. One place lists them, so RBAC and code agree.
import { Informer } from '../k8s/informer.js';
import type { InformerSpec } from '../k8s/informer.js';
import type { Kube, Obj } from '../k8s/client.js';
import type { KubeObject } from '../api/yaml.js';
import type { Logger } from '../util/log.js';

export function speakerInformerSpecs(namespace: string): InformerSpec[] {
  return [
    { apiVersion: 'v1', kind: 'Node' },
    { apiVersion: 'v1', kind: 'Service' },
    { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
    { apiVersion: 'v1', kind: 'Secret', namespace },
    { apiVersion: 'v1', kind: 'ConfigMap', namespace },
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
