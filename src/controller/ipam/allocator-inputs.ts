// Services and pool objects → the allocator's inputs (pure). The annotations: api/service-annotations.ts.
import type { Obj } from '../../api/object.js';
import type { IPAddressPool } from '../../api/ipaddresspool.js';
import type { AddressPool } from '../../api/addresspool.js';
import { parseRange } from '../../net/range.js';
import type { Family } from '../../net/address.js';
import type { PoolSpec, ServiceRequest, FamilyPolicy } from './types.js';
import { serviceAnnotation } from '../../api/service-annotations.js';

type Any = Record<string, unknown>;

export interface ParsedService {
  request: ServiceRequest;
  /** Deprecated annotations the Service uses (for a warning Event). */
  deprecated: string[];
  /** The IPs in status.loadBalancer.ingress. */
  ingress: string[];
  loadBalancerClass?: string;
  isLoadBalancer: boolean;
}

/** The IPs in a Service's status.loadBalancer.ingress. */
export function ingressIPs(svc: object): string[] {
  return ((((svc as Any)['status'] as Any | undefined)?.['loadBalancer'] as Any | undefined)?.['ingress'] as { ip?: string }[] | undefined ?? []).map((i) => i.ip).filter((x): x is string => !!x);
}

export function parseService(svc: Obj, namespaceLabels: Record<string, string> = {}): ParsedService {
  const meta = (svc.metadata ?? {}) as Any;
  const spec = (svc['spec'] ?? {}) as Any;
  const ann = (meta['annotations'] ?? {}) as Record<string, string>;
  const deprecated: string[] = [];
  const namespace = (meta['namespace'] as string | undefined) ?? 'default';
  const fams = ((spec['ipFamilies'] as string[] | undefined) ?? ['IPv4']).map((f): Family => (f === 'IPv6' ? 6 : 4));
  const requested = serviceAnnotation(ann, 'loadBalancerIPs', deprecated);
  const lbIP = spec['loadBalancerIP'] as string | undefined;
  const request: ServiceRequest = {
    key: `${namespace}/${meta['name'] as string}`,
    namespace,
    labels: (meta['labels'] ?? {}) as Record<string, string>,
    namespaceLabels,
    families: fams.length > 0 ? fams : [4],
    familyPolicy: ((spec['ipFamilyPolicy'] as FamilyPolicy | undefined) ?? 'SingleStack'),
    requestedIPs: requested !== undefined ? requested.split(',').map((x) => x.trim()).filter(Boolean) : lbIP ? [lbIP] : [],
    ports: ((spec['ports'] as { port: number; protocol?: string }[] | undefined) ?? []).map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP' })),
    externalTrafficPolicy: spec['externalTrafficPolicy'] === 'Local' ? 'Local' : 'Cluster',
    backendKey: JSON.stringify(Object.entries((spec['selector'] ?? {}) as Record<string, string>).sort()),
  };
  const pool = serviceAnnotation(ann, 'address-pool', deprecated);
  if (pool) request.requestedPool = pool;
  const share = serviceAnnotation(ann, 'allow-shared-ip', deprecated);
  if (share) request.sharingKey = share;
  const out: ParsedService = { request, deprecated, ingress: ingressIPs(svc), isLoadBalancer: spec['type'] === 'LoadBalancer' };
  if (typeof spec['loadBalancerClass'] === 'string') out.loadBalancerClass = spec['loadBalancerClass'];
  return out;
}

/** IPAddressPools and AddressPools (legacy ConfigMaps already expanded) → pool specs. */
export function poolSpecs(objects: readonly Obj[]): PoolSpec[] {
  const out: PoolSpec[] = [];
  for (const o of objects) {
    if (o.kind !== 'IPAddressPool' && o.kind !== 'AddressPool') continue;
    const p = o as unknown as IPAddressPool | AddressPool;
    const spec: PoolSpec = {
      name: p.metadata.name,
      ranges: p.spec.addresses.map(parseRange).filter((r): r is NonNullable<typeof r> => !!r),
      autoAssign: p.spec.autoAssign ?? true,
      avoidBuggyIPs: p.spec.avoidBuggyIPs ?? false,
    };
    const sa = (p.spec as IPAddressPool['spec']).serviceAllocation;
    if (sa) spec.serviceAllocation = sa;
    out.push(spec);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
