// Whether a node may announce a Service at all, with the reason a user reads when it may not (pure).
// Shared by the BGP and layer 2 planners.
import { EXCLUDE_LABEL } from './snapshot.js';
import type { EndpointView, NodeView, ServiceView, Snapshot } from './snapshot.js';

/** undefined when the node may announce anything; otherwise why it announces nothing. */
export function nodeProblem(node: NodeView | undefined, name: string): string | undefined {
  if (!node) return `node "${name}" does not exist`;
  if (Object.prototype.hasOwnProperty.call(node.labels, EXCLUDE_LABEL)) return `node "${name}" has the label ${EXCLUDE_LABEL}`;
  if (node.networkUnavailable) return `node "${name}" has NetworkUnavailable=True`;
  // As upstream MetalLB (metallb#2470): a cordon is how a drain starts, so the node stops attracting
  // traffic before its pods go (the DaemonSet's speaker itself stays and keeps its sessions).
  if (node.unschedulable) return `node "${name}" is cordoned (spec.unschedulable)`;
  return undefined;
}

/** Whether a Service is ours to announce, given the speaker's loadBalancerClass. */
export function classProblem(svc: ServiceView, ourClass: string | undefined): string | undefined {
  if (ourClass === undefined) return svc.loadBalancerClass ? `loadBalancerClass "${svc.loadBalancerClass}" is not ours` : undefined;
  return svc.loadBalancerClass === ourClass ? undefined : `loadBalancerClass "${svc.loadBalancerClass ?? ''}" is not "${ourClass}"`;
}

export function endpointsByService(endpoints: readonly EndpointView[]): Map<string, EndpointView[]> {
  const m = new Map<string, EndpointView[]>();
  for (const e of endpoints) {
    const list = m.get(e.service) ?? [];
    list.push(e);
    m.set(e.service, list);
  }
  return m;
}

/**
 * externalTrafficPolicy Local: only nodes with a ready endpoint of the Service announce it, since
 * kube-proxy drops traffic elsewhere. Cluster: any ready endpoint anywhere.
 */
export function endpointProblem(svc: ServiceView, node: string, eps: readonly EndpointView[] | undefined): string | undefined {
  const ready = (eps ?? []).filter((e) => e.ready);
  if (svc.externalTrafficPolicy === 'Local') {
    return ready.some((e) => e.nodeName === node) ? undefined : `externalTrafficPolicy is Local and node "${node}" has no ready endpoint`;
  }
  return ready.length > 0 ? undefined : 'the Service has no ready endpoint';
}

export function serviceKey(svc: ServiceView): string {
  return `${svc.namespace}/${svc.name}`;
}

export function findNode(s: Snapshot, name: string): NodeView | undefined {
  return s.nodes.find((n) => n.name === name);
}
