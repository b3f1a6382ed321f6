// IPAddressPool: addresses the controller may hand to LoadBalancer Services.
import { s } from './s.js';
import type { Infer } from './schema-compound.js';
import type { KindDef } from './kind.js';
import type { Resource } from './common.js';
import { condition, labelSelectors, nameList } from './common.js';
import { addressList } from './addresses.js';

export const serviceAllocation = s.obj(
  {
    priority: s.int({ description: 'Lower numbers are tried first; pools without a priority come last', minimum: 0, maximum: 2147483647 }),
    namespaces: nameList('Only Services in these namespaces may get IPs from the pool'),
    namespaceSelectors: labelSelectors('Only Services in namespaces matching one of these selectors'),
    serviceSelectors: labelSelectors('Only Services matching one of these selectors'),
  },
  { description: 'Restricts which Services the pool serves, and its precedence over other pools.' },
);

export const ipAddressPoolSpec = s.obj(
  {
    addresses: addressList,
    autoAssign: s.bool({ description: 'When false, IPs are handed out only to Services that ask for this pool or an IP in it', default: true }),
    avoidBuggyIPs: s.bool({ description: 'Never hand out IPv4 addresses ending in .0 or .255', default: false }),
    serviceAllocation,
  },
  { required: ['addresses'] },
);

export const ipAddressPoolStatus = s.obj({
  assignedIPv4: s.int({ format: 'int64', minimum: 0, description: 'IPv4 addresses assigned to Services' }),
  assignedIPv6: s.int({ format: 'int64', minimum: 0, description: 'IPv6 addresses assigned to Services' }),
  availableIPv4: s.int({ format: 'int64', minimum: 0, description: 'IPv4 addresses still free' }),
  availableIPv6: s.str({ pattern: '^[0-9]+$', description: 'IPv6 addresses still free, as a decimal string (a /64 holds 2^64)' }),
  conditions: s.arr(condition, { maxItems: 16 }),
});

export type IPAddressPoolSpec = Infer<typeof ipAddressPoolSpec>;
export type IPAddressPoolStatus = Infer<typeof ipAddressPoolStatus>;
export type IPAddressPool = Resource<'IPAddressPool', IPAddressPoolSpec, IPAddressPoolStatus>;

export const ipAddressPoolKind: KindDef = {
  kind: 'IPAddressPool',
  plural: 'ipaddresspools',
  singular: 'ipaddresspool',
  description: 'IPAddressPool is a set of addresses that LoadBalancer Services can get their external IP from.',
  versions: [
    {
      name: 'v1beta1',
      served: true,
      storage: true,
      spec: ipAddressPoolSpec,
      specRequired: true,
      status: ipAddressPoolStatus,
      printerColumns: [
        { name: 'Auto Assign', type: 'boolean', jsonPath: '.spec.autoAssign' },
        { name: 'Avoid Buggy IPs', type: 'boolean', jsonPath: '.spec.avoidBuggyIPs' },
        { name: 'Addresses', type: 'string', jsonPath: '.spec.addresses' },
        { name: 'Assigned IPv4', type: 'integer', jsonPath: '.status.assignedIPv4', priority: 1 },
        { name: 'Available IPv4', type: 'integer', jsonPath: '.status.availableIPv4', priority: 1 },
        { name: 'Assigned IPv6', type: 'integer', jsonPath: '.status.assignedIPv6', priority: 1 },
        { name: 'Available IPv6', type: 'string', jsonPath: '.status.availableIPv6', priority: 1 },
      ],
    },
  ],
};
