// Kubernetes objects (from informer caches or YAML files) → the planners' Snapshot. Core objects
// are reduced to what the planners read; metallb.io objects arrive validated and defaulted.
import type { Obj } from '../../api/object.js';
import type { BGPPeer } from '../../api/bgppeer.js';
import { PASSWORD_SECRET_TYPE } from '../../api/bgppeer.js';
import type { BFDProfile } from '../../api/bfdprofile.js';
import type { BGPAdvertisement } from '../../api/bgpadvertisement.js';
import type { L2Advertisement } from '../../api/l2advertisement.js';
import type { Community } from '../../api/community.js';
import type { IPAddressPool } from '../../api/ipaddresspool.js';
import type { AddressPool } from '../../api/addresspool.js';
import type { EndpointView, NodeView, PoolView, ServiceView, Snapshot } from './snapshot.js';
import { POOL_ANNOTATION } from '../../api/service-annotations.js';
import { scalarText } from '../../util/scalar-text.js';

type Any = Record<string, unknown>;
const get = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((acc, k) => (acc && typeof acc === 'object' ? (acc as Any)[k] : undefined), o);
const labelsOf = (o: Obj): Record<string, string> => (get(o, 'metadata', 'labels') as Record<string, string> | undefined) ?? {};

export function nodeView(o: Obj): NodeView {
  const conditions = (get(o, 'status', 'conditions') as { type: string; status: string }[] | undefined) ?? [];
  return {
    name: o.metadata?.name ?? '',
    labels: labelsOf(o),
    networkUnavailable: conditions.some((c) => c.type === 'NetworkUnavailable' && c.status === 'True'),
    unschedulable: get(o, 'spec', 'unschedulable') === true,
  };
}

/** A LoadBalancer Service with its assigned IPs; undefined for other Services. */
export function serviceView(o: Obj): ServiceView | undefined {
  if (get(o, 'spec', 'type') !== 'LoadBalancer') return undefined;
  const ingress = (get(o, 'status', 'loadBalancer', 'ingress') as { ip?: string }[] | undefined) ?? [];
  const v: ServiceView = {
    namespace: o.metadata?.namespace ?? 'default',
    name: o.metadata?.name ?? '',
    labels: labelsOf(o),
    ips: ingress.map((i) => i.ip).filter((ip): ip is string => !!ip),
    externalTrafficPolicy: get(o, 'spec', 'externalTrafficPolicy') === 'Local' ? 'Local' : 'Cluster',
  };
  const cls = get(o, 'spec', 'loadBalancerClass');
  if (typeof cls === 'string') v.loadBalancerClass = cls;
  const pool = (get(o, 'metadata', 'annotations') as Record<string, string> | undefined)?.[POOL_ANNOTATION];
  if (pool) v.pool = pool;
  return v;
}

export function endpointViews(slice: Obj): EndpointView[] {
  const svc = (get(slice, 'metadata', 'labels') as Record<string, string> | undefined)?.['kubernetes.io/service-name'];
  if (!svc) return [];
  const service = `${slice.metadata?.namespace ?? 'default'}/${svc}`;
  const eps = (get(slice, 'endpoints') as { nodeName?: string; conditions?: { ready?: boolean } }[] | undefined) ?? [];
  return eps.map((e) => {
    const v: EndpointView = { service, ready: e.conditions?.ready !== false };
    if (e.nodeName) v.nodeName = e.nodeName;
    return v;
  });
}

function poolViews(ipPools: IPAddressPool[], addressPools: AddressPool[]): PoolView[] {
  return [
    ...ipPools.map((p) => ({ name: p.metadata.name, labels: p.metadata.labels ?? {}, addresses: p.spec.addresses })),
    ...addressPools.map((p) => {
      const v: PoolView = { name: p.metadata.name, labels: p.metadata.labels ?? {}, addresses: p.spec.addresses, protocol: p.spec.protocol };
      if (p.spec.bgpAdvertisements) v.bgpAdvertisements = p.spec.bgpAdvertisements;
      return v;
    }),
  ];
}

/**
 * Decodes the "password" key of kubernetes.io/basic-auth Secrets (data is base64, stringData is
 * plain); a Secret of another type gives no password but a problem the peer's skip reports.
 */
function secretPasswords(secrets: Obj[]): { passwords: Record<string, string>; problems: Record<string, string> } {
  const passwords: Record<string, string> = {};
  const problems: Record<string, string> = {};
  for (const s of secrets) {
    const key = `${s.metadata?.namespace ?? 'default'}/${s.metadata?.name ?? ''}`;
    const type = (s as { type?: unknown }).type ?? 'Opaque';
    if (type !== PASSWORD_SECRET_TYPE) {
      problems[key] = `Secret ${key} has type ${scalarText(type)}; a passwordSecret must be of type ${PASSWORD_SECRET_TYPE}`;
      continue;
    }
    const plain = get(s, 'stringData', 'password');
    const enc = get(s, 'data', 'password');
    if (typeof plain === 'string') passwords[key] = plain;
    else if (typeof enc === 'string') passwords[key] = Buffer.from(enc, 'base64').toString('utf8');
  }
  return { passwords, problems };
}

export interface SnapshotOptions {
  loadBalancerClass?: string;
  /** Extra pools (e.g. from a legacy config ConfigMap). */
  extraPools?: PoolView[];
  extraPeers?: BGPPeer[];
}

/** Objects of any kind → Snapshot; unknown kinds are ignored. */
export function snapshotFromObjects(objects: readonly Obj[], opts: SnapshotOptions = {}): Snapshot {
  const of = <T>(kind: string): T[] => objects.filter((o) => o.kind === kind) as unknown as T[];
  const secrets = secretPasswords(of<Obj>('Secret'));
  const snap: Snapshot = {
    nodes: of<Obj>('Node').map(nodeView),
    peers: [...of<BGPPeer>('BGPPeer'), ...(opts.extraPeers ?? [])],
    bfdProfiles: of<BFDProfile>('BFDProfile'),
    pools: [...poolViews(of<IPAddressPool>('IPAddressPool'), of<AddressPool>('AddressPool')), ...(opts.extraPools ?? [])],
    bgpAdvertisements: of<BGPAdvertisement>('BGPAdvertisement').map((a) => ({ ...a, spec: a.spec ?? {} })),
    l2Advertisements: of<L2Advertisement>('L2Advertisement').map((a) => ({ ...a, spec: a.spec ?? {} })),
    communities: of<Community>('Community'),
    services: of<Obj>('Service').map(serviceView).filter((v): v is ServiceView => !!v),
    endpoints: of<Obj>('EndpointSlice').flatMap(endpointViews),
    secrets: secrets.passwords,
  };
  if (Object.keys(secrets.problems).length > 0) snap.secretProblems = secrets.problems;
  if (opts.loadBalancerClass !== undefined) snap.loadBalancerClass = opts.loadBalancerClass;
  return snap;
}
