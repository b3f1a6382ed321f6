// The allocator's inputs and outputs: pools and Services reduced to what allocation depends on.
import type { LabelSelector } from '../../util/selector.js';
import type { Family } from '../../net/address.js';
import type { IPRange } from '../../net/range.js';

export interface PoolSpec {
  name: string;
  ranges: IPRange[];
  autoAssign: boolean;
  avoidBuggyIPs: boolean;
  serviceAllocation?: {
    priority?: number;
    namespaces?: string[];
    namespaceSelectors?: LabelSelector[];
    serviceSelectors?: LabelSelector[];
  };
}

export type FamilyPolicy = 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';

export interface ServiceRequest {
  /** namespace/name */
  key: string;
  namespace: string;
  labels: Record<string, string>;
  namespaceLabels: Record<string, string>;
  /** spec.ipFamilies, in order (the first is the primary family). */
  families: Family[];
  familyPolicy: FamilyPolicy;
  /** spec.loadBalancerIP or the loadBalancerIPs annotation. */
  requestedIPs: string[];
  /** The address-pool annotation. */
  requestedPool?: string;
  /** The allow-shared-ip annotation. */
  sharingKey?: string;
  ports: { port: number; protocol: string }[];
  externalTrafficPolicy: 'Cluster' | 'Local';
  /** What the Service selects (for ETP Local sharing, which must land on the same pods). */
  backendKey: string;
}

export type AllocationResult = { ok: true; pool: string; ips: string[] } | { ok: false; reason: string };

/**
 * A pool's status counts. Available counts are bigints (an IPv6 /64 holds 2^64 addresses);
 * assigned counts are numbers: each is at most the number of Services, far below 2^53.
 */
export interface PoolUsage {
  assignedIPv4: number;
  assignedIPv6: number;
  availableIPv4: bigint;
  availableIPv6: bigint;
}
