// `metallb plan`'s brain (pure): the same allocator and announce planners the programs run, over
// objects read from files: every Service's IPs, pool, BGP nodes and layer 2 node, or its error.
import type { Obj } from '../api/object.js';
import { Allocator } from '../controller/ipam/allocator.js';
import { parseService, poolSpecs } from '../controller/ipam/allocator-inputs.js';
import { poolProblems } from '../controller/ipam/pool-problems.js';
import { snapshotFromObjects } from '../speaker/announce/build-snapshot.js';
import { planBGP } from '../speaker/announce/bgp.js';
import { planL2 } from '../speaker/announce/l2.js';

export interface PlannedService {
  namespace: string;
  name: string;
  ips: string[];
  pool: string | null;
  bgpNodes: string[];
  l2Node: string | null;
  error: string | null;
}

export interface Plan {
  services: PlannedService[];
  errors: string[];
}

type Any = Record<string, unknown>;

export function plan(objects: readonly Obj[], loadBalancerClass?: string): Plan {
  const allocator = new Allocator(poolSpecs(objects));
  const nsLabels = (ns: string): Record<string, string> =>
    ((objects.find((o) => o.kind === 'Namespace' && o.metadata?.name === ns)?.metadata as Any | undefined)?.['labels'] as Record<string, string> | undefined) ?? {};
  const ours = (cls: string | undefined): boolean => (loadBalancerClass === undefined ? cls === undefined : cls === loadBalancerClass);
  const services = objects
    .filter((o) => o.kind === 'Service')
    .map((o) => ({ o, p: parseService(o, nsLabels(o.metadata?.namespace ?? 'default')) }))
    .filter((x) => x.p.isLoadBalancer && ours(x.p.loadBalancerClass))
    .sort((a, b) => String(a.o.metadata?.['creationTimestamp'] ?? '').localeCompare(String(b.o.metadata?.['creationTimestamp'] ?? '')) || a.p.request.key.localeCompare(b.p.request.key));
  // As the controller does after a restart: existing assignments first, then everything else.
  for (const { p } of services) if (p.ingress.length > 0) allocator.restore(p.request, p.ingress);
  const results = new Map(services.map(({ p }) => [p.request.key, allocator.allocate(p.request)]));

  const withIPs = objects.map((o) => {
    if (o.kind !== 'Service') return o;
    const r = results.get(`${o.metadata?.namespace ?? 'default'}/${o.metadata?.name}`);
    if (!r?.ok) return o;
    const meta = { ...(o.metadata ?? {}), annotations: { ...((o.metadata as Any)?.['annotations'] as Record<string, string> | undefined), 'metallb.io/ip-allocated-from-pool': r.pool } };
    return { ...o, metadata: meta, status: { loadBalancer: { ingress: r.ips.map((ip) => ({ ip })) } } };
  });
  const snap = snapshotFromObjects(withIPs, loadBalancerClass !== undefined ? { loadBalancerClass } : {});
  const errors = new Set<string>(poolProblems(objects).map((p) => p.message));
  const bgp = new Map<string, Set<string>>();
  const skippedOn = new Map<string, string[]>();
  for (const node of snap.nodes) {
    const pl = planBGP(snap, node.name);
    pl.errors.forEach((e) => errors.add(e));
    for (const x of pl.skipped) (skippedOn.get(x.message) ?? skippedOn.set(x.message, []).get(x.message)!).push(node.name);
    for (const a of pl.announcements) (bgp.get(a.service) ?? bgp.set(a.service, new Set()).get(a.service)!).add(node.name);
  }
  for (const [message, nodes] of skippedOn) errors.add(`${message} (skipped on ${nodes.join(', ')}; the rest is applied)`);
  const l2 = planL2(snap, new Set(snap.nodes.map((n) => n.name)));
  return {
    services: services.map(({ p }) => {
      const r = results.get(p.request.key)!;
      return {
        namespace: p.request.namespace,
        name: p.request.key.slice(p.request.namespace.length + 1),
        ips: r.ok ? r.ips : [],
        pool: r.ok ? r.pool : null,
        bgpNodes: [...(bgp.get(p.request.key) ?? [])].sort(),
        l2Node: l2.assignments.find((a) => a.service === p.request.key)?.node ?? null,
        error: r.ok ? null : r.reason,
      };
    }),
    errors: [...errors],
  };
}
