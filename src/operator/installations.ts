// One installation per set of Services (pure). Two operators in two namespaces would each run a
// controller that allocates IPs for the same LoadBalancer Services: duplicate IPs. Installations
// find each other by their MetalLB CRs (every operator lists them cluster-wide): one counts once
// its operator has claimed it, that is carries the operator's finalizer and the annotation saying
// since when it serves; the oldest one of a class keeps it. A MetalLB with no operator claims
// nothing. (Before ADR 0014 this was read from the controller ClusterRole each operator rendered.)
import type { Obj } from '../k8s/client.js';
import { SERVING_SINCE_ANNOTATION } from './names.js';
import { SINGLETON_NAME } from './singleton.js';

export interface Installation {
  namespace: string;
  /** The Services it serves: spec.loadBalancerClass of its MetalLB ("" = the default class). */
  loadBalancerClass: string;
  /** When its operator first claimed it: the older installation keeps the class. */
  since: string;
}

/** The installations these MetalLB CRs stand for: claimed (finalizer + annotation), not being deleted. */
export function installationsOf(metallbs: readonly Obj[], finalizer: string): Installation[] {
  const out: Installation[] = [];
  for (const cr of metallbs) {
    const m = cr.metadata;
    const since = m?.annotations?.[SERVING_SINCE_ANNOTATION];
    if (m?.name !== SINGLETON_NAME || !m.namespace || m.deletionTimestamp || !since || !(m.finalizers ?? []).includes(finalizer)) continue;
    const spec = cr['spec'] as { loadBalancerClass?: string } | undefined;
    out.push({ namespace: m.namespace, loadBalancerClass: spec?.loadBalancerClass ?? '', since });
  }
  return out;
}

const older = (a: Installation, b: Installation): boolean => (a.since !== b.since ? a.since < b.since : a.namespace < b.namespace);

/**
 * Why the installation in `namespace` (serving `loadBalancerClass`) must not deploy, or undefined.
 * Ours counts with its own age once claimed; before that, any other serving the class was there first.
 */
export function installationConflict(namespace: string, loadBalancerClass: string, all: readonly Installation[]): string | undefined {
  const ours = all.find((i) => i.namespace === namespace);
  const rivals = all.filter((i) => i.namespace !== namespace && i.loadBalancerClass === loadBalancerClass && (!ours || older(i, ours)));
  if (rivals.length === 0) return undefined;
  const first = [...rivals].sort((a, b) => (older(a, b) ? -1 : 1))[0]!;
  const cls = loadBalancerClass ? `loadBalancerClass "${loadBalancerClass}"` : 'the default loadBalancerClass';
  return `not deployed: the MetalLB installation in namespace "${first.namespace}" (since ${first.since}) already serves ${cls}, and two would hand out the same IPs; remove one, or give each MetalLB a different spec.loadBalancerClass`;
}

/** The namespace of the oldest installation (of any class): the one that owns what the cluster has only one of. */
export function oldestInstallation(all: readonly Installation[]): string | undefined {
  return [...all].sort((a, b) => (older(a, b) ? -1 : 1))[0]?.namespace;
}
