// BGPAdvertisement: how (and to whom, from where) the IPs of some pools are announced over BGP.
import { s } from './s.js';
import type { Infer } from './schema-compound.js';
import type { KindDef } from './kind.js';
import type { Resource } from './common.js';
import { labelSelectors, nameList } from './common.js';
import { COMMUNITY_PATTERN, communityValueRules } from './community-syntax.js';

const community = s.str({
  description: 'A standard community "65000:100", a large community "large:65000:1:2", a well-known name ("no-export") or a Community alias',
  pattern: COMMUNITY_PATTERN,
  patternHint: 'must be "ASN:VALUE", "large:ASN:A:B", or the name of a Community alias',
  maxLength: 48,
});
for (const r of communityValueRules) community.rule(r);

/** Also used by AddressPool.spec.bgpAdvertisements (the deprecated inline form). */
export const bgpAdvertisementCore = {
  aggregationLength: s.int({ description: 'Prefix length used to aggregate IPv4 Service addresses (default 32: one route per IP)', minimum: 0, maximum: 32, default: 32 }),
  aggregationLengthV6: s.int({ description: 'Prefix length used to aggregate IPv6 Service addresses (default 128)', minimum: 0, maximum: 128, default: 128 }),
  localPref: s.int({ description: 'BGP LOCAL_PREF attribute of the announcements (iBGP only)', minimum: 0, maximum: 4294967295, format: 'int64' }),
  communities: s.arr(community, { description: 'BGP communities attached to the announcements', maxItems: 64 }),
};

export const bgpAdvertisementSpec = s.obj({
  ...bgpAdvertisementCore,
  ipAddressPools: nameList('Pools whose IPs this advertisement announces; with no pool and no selector, every pool'),
  ipAddressPoolSelectors: labelSelectors('Pools selected by label'),
  nodeSelectors: labelSelectors('Nodes that announce; empty means every node'),
  peers: nameList('BGPPeer names to announce to; empty means every peer'),
  serviceSelectors: labelSelectors('Only Services matching one of these selectors are announced by this advertisement'),
});
export type BGPAdvertisementSpec = Infer<typeof bgpAdvertisementSpec>;
export type BGPAdvertisement = Resource<'BGPAdvertisement', BGPAdvertisementSpec>;

export const bgpAdvertisementKind: KindDef = {
  kind: 'BGPAdvertisement',
  plural: 'bgpadvertisements',
  singular: 'bgpadvertisement',
  description: 'BGPAdvertisement announces the IPs of address pools to BGP peers, with optional aggregation, local preference and communities.',
  versions: [
    {
      name: 'v1beta1',
      served: true,
      storage: true,
      spec: bgpAdvertisementSpec,
      printerColumns: [
        { name: 'IPAddressPools', type: 'string', jsonPath: '.spec.ipAddressPools' },
        { name: 'IPAddressPool Selectors', type: 'string', jsonPath: '.spec.ipAddressPoolSelectors' },
        { name: 'Peers', type: 'string', jsonPath: '.spec.peers' },
        { name: 'Node Selectors', type: 'string', jsonPath: '.spec.nodeSelectors', priority: 10 },
      ],
    },
  ],
};
