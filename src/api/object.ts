// The one Kubernetes object type of the tree: the wire shape (JSON, timestamps as strings) that the
// client reads and writes, YAML files parse into, and the planners take. Ours rather than
// @kubernetes/client-node's, so that nothing outside src/operator needs that package, not even for
// its types (docs/adr/0009-own-kubernetes-http-client.md). It lives in api/ (the lowest layer,
// pure) so that api/ needs nothing from the client.

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
}

export interface KubernetesObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** Any object: the generic client reads and writes every kind, so the rest is open. */
export type Obj = KubernetesObject & { [key: string]: unknown };
