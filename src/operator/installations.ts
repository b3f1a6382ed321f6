// One installation per set of Services (pure). Two operators in two namespaces would each run a
// controller that allocates IPs for the same LoadBalancer Services: duplicate IPs. Installations
// find each other by the controller ClusterRole each renders (cluster-scoped, labelled with its
// owner and annotated with its loadBalancerClass); the oldest one of a class keeps it.
import type { Obj } from '../k8s/client.js';
import { COMPONENT_LABEL, LB_CLASS_ANNOTATION, MANAGED_BY, MANAGED_BY_LABEL, OWNER_LABEL } from './names.js';

export interface Installation {
  namespace: string;
  /** The Services it serves: spec.loadBalancerClass of its MetalLB ("" = the default class). */
  loadBalancerClass: string;
  /** When its controller ClusterRole was created: the older installation keeps the class. */
  since: string;
}

/** The label selector of every installation's controller ClusterRole. */
export const INSTALLATION_SELECTOR = `${COMPONENT_LABEL}=controller,${MANAGED_BY_LABEL}=${MANAGED_BY},${OWNER_LABEL}`;

/**
 * The installations these controller ClusterRoles stand for, counting only those whose MetalLB
 * still exists and is not being deleted (a leftover ClusterRole claims nothing).
 */
export function installationsOf(clusterRoles: readonly Obj[], metallb: (namespace: string, name: string) => Obj | undefined): Installation[] {
  const out: Installation[] = [];
  for (const r of clusterRoles) {
    const owner = r.metadata?.labels?.[OWNER_LABEL] ?? '';
    const dot = owner.indexOf('.');
    if (dot <= 0) continue;
    const cr = metallb(owner.slice(0, dot), owner.slice(dot + 1));
    if (!cr || cr.metadata?.deletionTimestamp) continue;
    out.push({ namespace: owner.slice(0, dot), loadBalancerClass: r.metadata?.annotations?.[LB_CLASS_ANNOTATION] ?? '', since: r.metadata?.creationTimestamp ?? '' });
  }
  return out;
}

const older = (a: Installation, b: Installation): boolean => (a.since !== b.since ? a.since < b.since : a.namespace < b.namespace);

/**
 * Why the installation in `namespace` (serving `loadBalancerClass`) must not deploy, or undefined.
 * Ours counts with its own ClusterRole's age when it has one; without one, any other serving the
 * class was there first.
 */
export function installationConflict(namespace: string, loadBalancerClass: string, all: readonly Installation[]): string | undefined {
  const ours = all.find((i) => i.namespace === namespace);
  const rivals = all.filter((i) => i.namespace !== namespace && i.loadBalancerClass === loadBalancerClass && (!ours || older(i, ours)));
  if (rivals.length === 0) return undefined;
  const first = [...rivals].sort((a, b) => (older(a, b) ? -1 : 1))[0]!;
  const cls = loadBalancerClass ? `loadBalancerClass "${loadBalancerClass}"` : 'the default loadBalancerClass';
  return `not deployed: the MetalLB installation in namespace "${first.namespace}" (since ${first.since}) already serves ${cls}, and two would hand out the same IPs; remove one, or give each MetalLB a different spec.loadBalancerClass`;
}
