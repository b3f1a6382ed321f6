// The layer 2 planner (pure): for each Service IP in a layer 2 pool, the one node that answers
// ARP/NDP for it. Every speaker computes the same answer from the same inputs without talking to
// the others: eligible live nodes are ranked by a hash of (node, IP), so IPs spread across nodes
// and a node's failure moves only the IPs it held.
import { createHash } from 'node:crypto';
import { matchesAny } from '../../util/selector.js';
import { classProblem, endpointProblem, endpointsByService, nodeProblem, serviceKey } from './eligibility.js';
import { poolOf } from './pools.js';
import type { PoolView, Snapshot } from './snapshot.js';

export interface L2Assignment {
  service: string;
  ip: string;
  node: string;
  interfaces: string[];
}

export interface L2Plan {
  assignments: L2Assignment[];
  notAnnounced: Record<string, string>;
}

interface L2Rule {
  nodeSelectors?: { matchLabels?: Record<string, string> }[];
  interfaces: string[];
  applies: (pool: PoolView) => boolean;
}

function rules(s: Snapshot): L2Rule[] {
  const out: L2Rule[] = [];
  for (const a of s.l2Advertisements) {
    const spec = a.spec ?? {};
    const names = spec.ipAddressPools ?? [];
    const sels = spec.ipAddressPoolSelectors ?? [];
    const r: L2Rule = {
      interfaces: spec.interfaces ?? [],
      applies: (p) =>
        p.protocol === undefined &&
        ((names.length === 0 && sels.length === 0) || names.includes(p.name) || (sels.length > 0 && matchesAny(sels, p.labels))),
    };
    if (spec.nodeSelectors?.length) r.nodeSelectors = spec.nodeSelectors;
    out.push(r);
  }
  // An AddressPool with protocol layer2 is announced from every node, on every interface.
  for (const p of s.pools) if (p.protocol === 'layer2') out.push({ interfaces: [], applies: (x) => x.name === p.name && x.protocol === 'layer2' });
  return out;
}

const rank = (node: string, ip: string): string => createHash('sha256').update(`${node}#${ip}`).digest('hex');

/** `live`: nodes whose speaker is alive (leases); offline planning passes every node. */
export function planL2(s: Snapshot, live: ReadonlySet<string>): L2Plan {
  const out: L2Plan = { assignments: [], notAnnounced: {} };
  const eps = endpointsByService(s.endpoints);
  const rs = rules(s);
  for (const svc of [...s.services].sort((a, b) => serviceKey(a).localeCompare(serviceKey(b)))) {
    const key = serviceKey(svc);
    const cls = classProblem(svc, s.loadBalancerClass);
    if (cls) {
      out.notAnnounced[key] = cls;
      continue;
    }
    for (const ip of svc.ips) {
      const pool = poolOf(s.pools, ip, svc.pool);
      if (!pool) continue;
      const applicable = rs.filter((r) => r.applies(pool));
      if (applicable.length === 0) continue; // not a layer 2 IP
      const candidates = s.nodes
        .filter((n) => live.has(n.name) && !nodeProblem(n, n.name) && !endpointProblem(svc, n.name, eps.get(key)))
        .filter((n) => applicable.some((r) => matchesAny(r.nodeSelectors, n.labels)));
      if (candidates.length === 0) {
        out.notAnnounced[key] = 'no eligible node with a live speaker (node selectors, exclusion label, NetworkUnavailable, ready endpoints for ETP Local)';
        continue;
      }
      const winner = candidates.map((n) => ({ n, r: rank(n.name, ip) })).sort((a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : 0))[0]!.n;
      // An advertisement without interfaces means every interface, which wins over a list.
      const mine = applicable.filter((r) => matchesAny(r.nodeSelectors, winner.labels));
      const interfaces = mine.some((r) => r.interfaces.length === 0) ? [] : [...new Set(mine.flatMap((r) => r.interfaces))].sort();
      out.assignments.push({ service: key, ip, node: winner.name, interfaces });
    }
  }
  return out;
}
