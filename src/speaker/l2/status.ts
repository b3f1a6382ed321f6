// Where users see layer 2 announcements: a nodeAssigned Event when this node takes a Service's IP
// over (as upstream), and the Service annotations metallb.io/layer2-ipv4-node and
// metallb.io/layer2-ipv6-node naming the node that answers ARP/NDP for that family's IP
// (`kubectl get svc NAME -o yaml`). The taker writes them; when nobody answers for the IP any more
// (no eligible node), the node they name removes them. Nothing is written when they are right.
import type { Kube, Obj } from '../../k8s/client.js';
import type { L2Assignment } from '../announce/l2.js';
import type { Logger } from '../../util/log.js';
import { errorMessage } from '../../util/errors.js';

export const nodeAnnotation = (ip: string): string => `metallb.io/layer2-ipv${ip.includes(':') ? 6 : 4}-node`;

export interface L2StatusDeps {
  kube: Kube;
  node: string;
  log: Logger;
  service: (namespace: string, name: string) => Obj | undefined;
  services: () => Obj[];
}

const ingressIPs = (svc: Obj): string[] =>
  (((svc['status'] as { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined)?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((ip): ip is string => !!ip));

export class L2Status {
  constructor(private readonly d: L2StatusDeps) {}

  /** `mine`: what this node now answers for; `gained`: the IPs it just took over; `owned`: every IP some node leads. */
  async report(mine: readonly L2Assignment[], gained: readonly string[], owned: ReadonlySet<string>): Promise<void> {
    const byService = new Map<string, L2Assignment[]>();
    for (const a of mine) byService.set(a.service, [...(byService.get(a.service) ?? []), a]);
    for (const [key, list] of byService) {
      const [ns, name] = key.split('/') as [string, string];
      const svc = this.d.service(ns, name);
      if (!svc) continue;
      if (list.some((a) => gained.includes(a.ip))) {
        try {
          await this.d.kube.event(svc, 'Normal', 'nodeAssigned', `announcing from node "${this.d.node}" with protocol "layer2"`, 'metallb-speaker');
        } catch (err) {
          this.d.log.warn('could not record event', { event: 'event-error', service: key, error: errorMessage(err) });
        }
      }
      const have = svc.metadata?.annotations ?? {};
      const patch: Record<string, string> = {};
      for (const a of list) if (have[nodeAnnotation(a.ip)] !== this.d.node) patch[nodeAnnotation(a.ip)] = this.d.node;
      if (Object.keys(patch).length === 0) continue;
      try {
        await this.d.kube.mergePatch({ apiVersion: 'v1', kind: 'Service', name, namespace: ns }, { metadata: { annotations: patch } });
      } catch (err) {
        this.d.log.warn('could not annotate the Service', { event: 'l2-status-error', service: key, error: errorMessage(err) });
      }
    }
    await this.clearStale(owned);
  }

  /** Removes our name where it no longer holds: no node leads that family's IP of the Service. */
  private async clearStale(owned: ReadonlySet<string>): Promise<void> {
    for (const svc of this.d.services()) {
      const have = svc.metadata?.annotations ?? {};
      const patch: Record<string, null> = {};
      for (const family of ['ipv4', 'ipv6']) {
        const key = `metallb.io/layer2-${family}-node`;
        if (have[key] !== this.d.node) continue;
        if (!ingressIPs(svc).some((ip) => nodeAnnotation(ip) === key && owned.has(ip))) patch[key] = null;
      }
      if (Object.keys(patch).length === 0) continue;
      try {
        await this.d.kube.mergePatch({ apiVersion: 'v1', kind: 'Service', name: svc.metadata?.name ?? '', namespace: svc.metadata?.namespace ?? 'default' }, { metadata: { annotations: patch } });
      } catch (err) {
        this.d.log.warn('could not clear the Service annotation', { event: 'l2-status-error', service: `${svc.metadata?.namespace}/${svc.metadata?.name}`, error: errorMessage(err) });
      }
    }
  }
}
