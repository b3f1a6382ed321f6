// AddressPool (deprecated upstream, still served because OpenShift users' manifests use it, seed 002):
// a pool with its protocol and, for BGP, inline advertisements.
import { s } from './s.js';
import type { Infer } from './schema-compound.js';
import type { KindDef } from './kind.js';
import type { Resource } from './common.js';
import { addressList } from './addresses.js';
import { bgpAdvertisementCore } from './bgpadvertisement.js';

export const addressPoolSpec = s.obj(
  {
    protocol: s.str({ enum: ['bgp', 'layer2'] as const, description: 'How the IPs are announced: bgp or layer2' }),
    addresses: addressList,
    autoAssign: s.bool({ description: 'When false, IPs are handed out only to Services that ask for this pool or an IP in it', default: true }),
    avoidBuggyIPs: s.bool({ description: 'Never hand out IPv4 addresses ending in .0 or .255', default: false }),
    bgpAdvertisements: s.arr(s.obj(bgpAdvertisementCore), {
      description: 'How the pool is announced over BGP; when empty, each IP is announced as a /32 (/128) to every peer',
      maxItems: 64,
    }),
  },
  { required: ['protocol', 'addresses'] },
);
export type AddressPoolSpec = Infer<typeof addressPoolSpec>;
export type AddressPool = Resource<'AddressPool', AddressPoolSpec>;

export const addressPoolKind: KindDef = {
  kind: 'AddressPool',
  plural: 'addresspools',
  singular: 'addresspool',
  description: 'AddressPool is the deprecated combined pool + advertisement kind; prefer IPAddressPool with BGPAdvertisement or L2Advertisement.',
  versions: [
    {
      name: 'v1beta1',
      served: true,
      storage: true,
      deprecationWarning: 'metallb.io/v1beta1 AddressPool is deprecated; use IPAddressPool with a BGPAdvertisement or L2Advertisement',
      spec: addressPoolSpec,
      specRequired: true,
      printerColumns: [
        { name: 'Protocol', type: 'string', jsonPath: '.spec.protocol' },
        { name: 'Auto Assign', type: 'boolean', jsonPath: '.spec.autoAssign' },
        { name: 'Avoid Buggy IPs', type: 'boolean', jsonPath: '.spec.avoidBuggyIPs' },
        { name: 'Addresses', type: 'string', jsonPath: '.spec.addresses' },
      ],
    },
  ],
};
