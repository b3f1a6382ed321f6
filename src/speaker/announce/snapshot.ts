// What the announce planners read: the metallb.io objects plus the parts of core objects that
// matter, reduced to plain data. Built from informer caches (speaker) or YAML files (render-frr, plan).
import type { BGPPeer } from '../../api/bgppeer.js';
import type { BFDProfile } from '../../api/bfdprofile.js';
import type { BGPAdvertisement } from '../../api/bgpadvertisement.js';
import type { L2Advertisement } from '../../api/l2advertisement.js';
import type { Community } from '../../api/community.js';
import type { LabelSelector } from '../../api/common.js';

export interface NodeView {
  name: string;
  labels: Record<string, string>;
  /** The NetworkUnavailable condition is True. */
  networkUnavailable: boolean;
  /** Cordoned (spec.unschedulable): a drain is under way or coming, traffic should move off. */
  unschedulable?: boolean;
}

export interface ServiceView {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** status.loadBalancer.ingress IPs. */
  ips: string[];
  externalTrafficPolicy: 'Cluster' | 'Local';
  loadBalancerClass?: string;
  /** The pool the controller allocated from (metallb.io/ip-allocated-from-pool), if known. */
  pool?: string;
}

export interface EndpointView {
  /** namespace/name of the Service the EndpointSlice belongs to. */
  service: string;
  nodeName?: string;
  ready: boolean;
}

/** The inline advertisement of an AddressPool (the deprecated combined kind). */
export interface InlineAdvertisement {
  aggregationLength?: number;
  aggregationLengthV6?: number;
  localPref?: number;
  communities?: string[];
}

export interface PoolView {
  name: string;
  labels: Record<string, string>;
  addresses: string[];
  /** Set for AddressPools and legacy ConfigMap pools; IPAddressPools have no protocol. */
  protocol?: 'bgp' | 'layer2';
  /** AddressPool.spec.bgpAdvertisements; an empty list means "/32 (/128) to every peer". */
  bgpAdvertisements?: InlineAdvertisement[];
}

export interface Snapshot {
  nodes: NodeView[];
  peers: BGPPeer[];
  bfdProfiles: BFDProfile[];
  pools: PoolView[];
  bgpAdvertisements: BGPAdvertisement[];
  l2Advertisements: L2Advertisement[];
  communities: Community[];
  services: ServiceView[];
  endpoints: EndpointView[];
  /** Passwords from Secrets referenced by passwordSecret, keyed namespace/name. */
  secrets: Record<string, string>;
  /** Why a referenced Secret gives no password (its type), keyed namespace/name. */
  secretProblems?: Record<string, string>;
  /** Our loadBalancerClass: Services of another class are not ours. */
  loadBalancerClass?: string;
}

export const EXCLUDE_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

export type { LabelSelector };
