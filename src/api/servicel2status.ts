// ServiceL2Status: which node answers ARP/NDP for a LoadBalancer Service, written by that node's
// speaker (metallb.io/v1beta1 as upstream 0.14+, so `oc get servicel2status -n metallb-system`
// works as upstream's docs say). One object per (Service, answering node) in the speaker
// namespace; the fields are status only, nobody but the speakers writes them.
import { s } from './s.js';
import type { Infer } from './schema-compound.js';
import type { KindDef } from './kind.js';
import { serviceStatusColumns, serviceStatusIdentity } from './common.js';
import type { Resource } from './common.js';

export const serviceL2StatusSpec = s.obj({}, { description: 'Empty: everything is status.' });

export const serviceL2StatusStatus = s.obj({
  ...serviceStatusIdentity('The node that answers ARP/NDP for the Service IPs below'),
  interfaces: s.arr(s.obj({ name: s.str({ description: 'An interface that answers', maxLength: 15 }) }), {
    description: 'The interfaces that answer; empty when every usable interface does (no interface list in the L2Advertisements)',
    maxItems: 256,
  }),
  ips: s.arr(s.str({ maxLength: 45 }), { description: 'The Service IPs this node answers for (dual-stack families may be answered by different nodes)', maxItems: 16 }),
});

export type ServiceL2StatusStatus = Infer<typeof serviceL2StatusStatus>;
export type ServiceL2Status = Resource<'ServiceL2Status', Infer<typeof serviceL2StatusSpec>, ServiceL2StatusStatus>;

export const serviceL2StatusKind: KindDef = {
  kind: 'ServiceL2Status',
  plural: 'servicel2statuses',
  singular: 'servicel2status',
  description: 'ServiceL2Status shows the node that answers ARP/NDP for a LoadBalancer Service in layer 2 mode.',
  versions: [{ name: 'v1beta1', served: true, storage: true, spec: serviceL2StatusSpec, status: serviceL2StatusStatus, printerColumns: serviceStatusColumns('Allocated Node') }],
};
