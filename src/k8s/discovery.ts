// API discovery questions the programs ask once at start-up.
import type { Kube } from './client.js';

/** OpenShift is detected by what the API serves, not by a flag: the SCC resource. */
export async function servesResource(kube: Kube, apiVersion: string, plural: string): Promise<boolean> {
  try {
    const body = (await kube.request('GET', apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`)) as { resources?: { name: string }[] };
    return (body.resources ?? []).some((r) => r.name === plural);
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

export function isOpenShift(kube: Kube): Promise<boolean> {
  return servesResource(kube, 'security.openshift.io/v1', 'securitycontextconstraints');
}

/**
 * OpenShift's service-ca operator (its ServiceCA config resource): it issues serving certificates
 * for annotated Services and injects its CA into annotated webhook configurations. Asked apart
 * from isOpenShift: a cluster may serve SCCs without running service-ca (the pods lab does).
 */
export function hasServiceCA(kube: Kube): Promise<boolean> {
  return servesResource(kube, 'operator.openshift.io/v1', 'servicecas');
}

/** The Prometheus operator's CRDs (ServiceMonitor and PrometheusRule), as OpenShift monitoring and kube-prometheus serve them. */
export async function hasMonitoring(kube: Kube): Promise<boolean> {
  const [sm, rules] = await Promise.all([servesResource(kube, 'monitoring.coreos.com/v1', 'servicemonitors'), servesResource(kube, 'monitoring.coreos.com/v1', 'prometheusrules')]);
  return sm && rules;
}
