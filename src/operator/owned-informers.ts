// The objects the operator owns, as informer specs: watched so that drift (or deletion) is
// repaired, and (the cluster-scoped ones) deleted by the MetalLB finalizer.
import { SINGLETON_NAME } from './singleton.js';
import { SPEAKER_SCC } from './names.js';
import { OWNER_LABEL, MANAGED_SELECTOR as MANAGED } from './reconciler-labels.js';

export type OwnedSpec = { apiVersion: string; kind: string; namespace?: string; labelSelector?: string; fieldSelector?: string };

/**
 * Kinds the operator owns, watched so that drift (or deletion) is repaired. The shared SCC is
 * watched by name: the operator may read no other (ADR 0014).
 */
export function ownedInformerSpecs(ns: string, openshift: boolean, webhook: boolean, monitoring: boolean): OwnedSpec[] {
  const namespaced = [
    'v1/ServiceAccount', 'v1/ConfigMap', 'v1/Service', 'rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/RoleBinding', 'apps/v1/Deployment', 'apps/v1/DaemonSet',
    ...(monitoring ? ['monitoring.coreos.com/v1/ServiceMonitor', 'monitoring.coreos.com/v1/PrometheusRule'] : []),
  ];
  const split = (s: string): { apiVersion: string; kind: string } => ({ apiVersion: s.slice(0, s.lastIndexOf('/')), kind: s.slice(s.lastIndexOf('/') + 1) });
  return [
    ...namespaced.map((s) => ({ ...split(s), namespace: ns, labelSelector: MANAGED })),
    ...(webhook ? [{ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', labelSelector: `${OWNER_LABEL}=${ns}.${SINGLETON_NAME}` }] : []),
    ...(openshift ? [{ apiVersion: 'security.openshift.io/v1', kind: 'SecurityContextConstraints', fieldSelector: `metadata.name=${SPEAKER_SCC}` }] : []),
  ];
}
