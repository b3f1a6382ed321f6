// ServiceBGPStatus: which BGPPeers a node's speaker is configured to advertise a Service to
// (metallb.io/v1beta1 as upstream 0.15). One object per (Service, announcing node) in the speaker
// namespace. "Configured to" as upstream: whether a prefix really went out depends on the
// session, which BGPPeer status and `vtysh` show.
import { s } from './s.js';
import type { Infer } from './schema-compound.js';
import type { KindDef } from './kind.js';
import { serviceStatusColumns, serviceStatusIdentity } from './common.js';
import type { Resource } from './common.js';

export const serviceBGPStatusSpec = s.obj({}, { description: 'Empty: everything is status.' });

export const serviceBGPStatusStatus = s.obj({
  ...serviceStatusIdentity('The node announcing the Service'),
  peers: s.arr(s.str({ maxLength: 253 }), { description: 'The BGPPeers this node is configured to advertise the Service to', maxItems: 1024 }),
});

export type ServiceBGPStatusStatus = Infer<typeof serviceBGPStatusStatus>;
export type ServiceBGPStatus = Resource<'ServiceBGPStatus', Infer<typeof serviceBGPStatusSpec>, ServiceBGPStatusStatus>;

export const serviceBGPStatusKind: KindDef = {
  kind: 'ServiceBGPStatus',
  plural: 'servicebgpstatuses',
  singular: 'servicebgpstatus',
  description: 'ServiceBGPStatus shows the BGPPeers a node advertises a LoadBalancer Service to.',
  versions: [{ name: 'v1beta1', served: true, storage: true, spec: serviceBGPStatusSpec, status: serviceBGPStatusStatus, printerColumns: serviceStatusColumns('Node') }],
};
