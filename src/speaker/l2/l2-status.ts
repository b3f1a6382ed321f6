// Where users see layer 2 announcements: a nodeAssigned Event when this node takes a Service's IP
// over (as upstream), and a ServiceL2Status per Service this node answers for (`oc get
// servicel2status -n <namespace>`: node, interfaces, IPs). The controller mirrors it into the
// Service annotations metallb.io/layer2-ipv4-node / -ipv6-node; the speaker itself never writes a
// Service (docs/security.md). A node that takes an IP over removes the old node's record.
import type { Kube, Obj } from '../../k8s/client.js';
import type { L2Assignment } from '../announce/l2.js';
import type { Logger } from '../../util/log.js';
import { errorMessage } from '../../util/errors.js';
import type { ServiceStatusWriter } from '../service-status/writer.js';
import { l2StatusFields } from '../service-status/fields.js';

export interface L2StatusDeps {
  kube: Kube;
  node: string;
  log: Logger;
  service: (namespace: string, name: string) => Obj | undefined;
  writer: ServiceStatusWriter;
}

export class L2Status {
  constructor(private readonly d: L2StatusDeps) {}

  /** `mine`: what this node now answers for; `gained`: the IPs it just took over. */
  async report(mine: readonly L2Assignment[], gained: readonly string[]): Promise<void> {
    const taken = new Set(mine.filter((a) => gained.includes(a.ip)).map((a) => a.service));
    for (const key of taken) {
      const [ns, name] = key.split('/') as [string, string];
      const svc = this.d.service(ns, name);
      if (!svc) continue;
      try {
        await this.d.kube.event(svc, 'Normal', 'nodeAssigned', `announcing from node "${this.d.node}" with protocol "layer2"`, 'metallb-speaker');
      } catch (err) {
        this.d.log.warn('could not record event', { event: 'event-error', service: key, error: errorMessage(err) });
      }
    }
    await this.d.writer.sync(l2StatusFields(mine));
  }
}
