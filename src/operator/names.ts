// Names of what the operator creates. Cluster-scoped objects carry the namespace, so two
// installations in different namespaces never collide.
export { SINGLETON_NAME } from './singleton.js';
export { OWNER_LABEL } from './reconciler-labels.js';

export function clusterName(namespace: string, name: string): string {
  return `metallb-${namespace}-${name}`;
}

export function sccName(namespace: string): string {
  return clusterName(namespace, 'speaker');
}
