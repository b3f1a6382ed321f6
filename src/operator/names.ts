// Names and labels of what the operator creates. Cluster-scoped objects of one installation carry
// the namespace, so two installations in different namespaces never collide, and an owner label,
// so the operator's finalizer finds them (ownerReferences cannot point from cluster-scoped to
// namespaced objects). The speaker's SCC is the exception: one for all, by a fixed name (ADR 0014).
export { SINGLETON_NAME } from './singleton.js';
export { OWNER_LABEL } from './reconciler-labels.js';

export const NAME_LABEL = 'app.kubernetes.io/name';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'metallb-operator';
/** On a MetalLB CR: when its operator first deployed it (installations.ts: the older installation keeps its Services). */
export const SERVING_SINCE_ANNOTATION = 'metallb.io/serving-since';
/** Pod annotation that pins OpenShift's SCC admission to one SCC. */
export const REQUIRED_SCC_ANNOTATION = 'openshift.io/required-scc';

export type Component = 'controller' | 'speaker';

/** `metallb-<namespace>-<name>`: the name of a cluster-scoped object of one installation. */
export function clusterName(namespace: string, name: string): string {
  return `metallb-${namespace}-${name}`;
}

/**
 * The speakers' SecurityContextConstraints (OpenShift), shared by every installation: a name the
 * operator's RBAC can hold by resourceNames, since a CSV cannot name the install namespace.
 */
export const SPEAKER_SCC = 'metallb-speaker';

/** Value of OWNER_LABEL on cluster-scoped objects: `<namespace>.<MetalLB name>`. */
export function ownerLabelValue(namespace: string, crName: string): string {
  return `${namespace}.${crName}`;
}

/** On a template: create the object when missing, never apply over it (the user's once it exists). */
export const CREATE_ONLY_ANNOTATION = 'metallb.io/create-only';

/** service-ca fills the caBundle of a webhook configuration, or a CRD's conversion webhook, that carries this annotation. */
export const INJECT_CABUNDLE_ANNOTATION = 'service.beta.openshift.io/inject-cabundle';
