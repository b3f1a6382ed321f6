// L2Advertisement: announce the IPs of some pools by ARP/NDP from one elected node.
import { s, IFNAME_HINT, IFNAME_PATTERN } from './s.js';
import type { Infer } from './schema-compound.js';
import type { KindDef } from './kind.js';
import type { Resource } from './common.js';
import { labelSelectors, nameList } from './common.js';

export const l2AdvertisementSpec = s.obj({
  ipAddressPools: nameList('Pools whose IPs this advertisement announces; with no pool and no selector, every pool'),
  ipAddressPoolSelectors: labelSelectors('Pools selected by label'),
  nodeSelectors: labelSelectors('Nodes that may announce; empty means every node'),
  interfaces: s.arr(s.str({ pattern: IFNAME_PATTERN, patternHint: `must be an interface name (${IFNAME_HINT})` }), {
    description: 'Interfaces to answer ARP/NDP on; empty means every interface',
    maxItems: 64,
  }),
});
export type L2AdvertisementSpec = Infer<typeof l2AdvertisementSpec>;
export type L2Advertisement = Resource<'L2Advertisement', L2AdvertisementSpec>;

export const l2AdvertisementKind: KindDef = {
  kind: 'L2Advertisement',
  plural: 'l2advertisements',
  singular: 'l2advertisement',
  description: 'L2Advertisement announces the IPs of address pools on the local network by ARP (IPv4) and NDP (IPv6).',
  versions: [
    {
      name: 'v1beta1',
      served: true,
      storage: true,
      spec: l2AdvertisementSpec,
      printerColumns: [
        { name: 'IPAddressPools', type: 'string', jsonPath: '.spec.ipAddressPools' },
        { name: 'IPAddressPool Selectors', type: 'string', jsonPath: '.spec.ipAddressPoolSelectors' },
        { name: 'Interfaces', type: 'string', jsonPath: '.spec.interfaces' },
        { name: 'Node Selectors', type: 'string', jsonPath: '.spec.nodeSelectors', priority: 10 },
      ],
    },
  ],
};
