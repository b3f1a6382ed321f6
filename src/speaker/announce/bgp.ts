// The BGP announce planner: for one node and a snapshot, the FRR model to apply, what is announced
// to whom, and for every Service that is not announced here, why (pure; table-tested).
import type { Advertisement, Family, FrrConfig, FrrLogLevel, NeighborConfig } from '../frr/model.js';
import { sortForFrr } from '../frr/model.js';
import { ipFamily } from '../../net/address.js';
import { planPeers } from './peers.js';
import type { PeerSession } from './peers.js';
import { advertisementRules, aggregationProblem, ruleProblem } from './advertisements.js';
import type { AdvRule } from './advertisements.js';
import { resolveCommunities } from './communities.js';
import { aggregate, poolOf } from './pools.js';
import { classProblem, endpointProblem, endpointsByService, findNode, nodeProblem, serviceKey } from './eligibility.js';
import type { PoolView, Snapshot } from './snapshot.js';
import type { Skipped } from './skipped.js';

export type { Skipped } from './skipped.js';

export interface Announcement {
  service: string;
  ip: string;
  prefix: string;
  peers: string[];
}

export interface BGPPlan {
  config: FrrConfig;
  announcements: Announcement[];
  /** Service key → why this node does not announce it (the Event/condition text). */
  notAnnounced: Record<string, string>;
  /** Objects left out of the config, with why; everything else is planned and applied without them. */
  skipped: Skipped[];
  /** Errors that leave nothing to plan (this node's Node is gone): the speaker keeps the last good config. */
  errors: string[];
}

const famOf = (ip: string): Family => (ipFamily(ip) === 6 ? 'ipv6' : 'ipv4');

/** Per list, its members by key: a plan of 10,000 Services must not scan lists (O(n²)). */
const byPrefix = new WeakMap<Advertisement[], Map<string, Advertisement>>();
const members = new WeakMap<string[], Set<string>>();

function addOnce(list: string[], item: string): void {
  let seen = members.get(list);
  if (!seen) members.set(list, (seen = new Set(list)));
  if (!seen.has(item)) {
    seen.add(item);
    list.push(item);
  }
}

/** Adds an advertisement to a neighbor, merging with one for the same prefix; a conflict is returned, not guessed. */
function addAdvertisement(n: NeighborConfig, fam: Family, adv: Advertisement, source: string): string | undefined {
  const list = n.families[fam]!.advertisements;
  let index = byPrefix.get(list);
  if (!index) byPrefix.set(list, (index = new Map(list.map((a) => [a.prefix, a]))));
  const existing = index.get(adv.prefix);
  if (!existing) {
    index.set(adv.prefix, adv);
    list.push(adv);
    return undefined;
  }
  if (existing.localPref !== adv.localPref && existing.localPref !== undefined && adv.localPref !== undefined) {
    return `${source}: prefix ${adv.prefix} is announced to ${n.address ?? n.iface} with localPref ${adv.localPref} and by another advertisement with localPref ${existing.localPref}; make them agree`;
  }
  if (adv.localPref !== undefined) existing.localPref = adv.localPref;
  const merge = (a: string[] | undefined, b: string[] | undefined): string[] | undefined => (a || b ? [...new Set([...(a ?? []), ...(b ?? [])])] : undefined);
  const c = merge(existing.communities, adv.communities);
  const l = merge(existing.largeCommunities, adv.largeCommunities);
  if (c) existing.communities = c;
  if (l) existing.largeCommunities = l;
  return undefined;
}

export function planBGP(s: Snapshot, nodeName: string, logLevel: FrrLogLevel = 'informational'): BGPPlan {
  const node = findNode(s, nodeName);
  const notAnnounced: Record<string, string> = {};
  const announcements: Announcement[] = [];
  if (!node) {
    return { config: { logLevel, routers: [], bfdProfiles: [] }, announcements, notAnnounced, skipped: [], errors: [`node "${nodeName}" does not exist`] };
  }
  const peers = planPeers(s, node);
  // One entry per distinct message: a rule that fails for 10,000 Services is reported once.
  const skipped = new Map<string, Skipped>(peers.skipped.map((x) => [x.message, x]));
  const skip = (rule: AdvRule, message: string): void => void skipped.set(message, { kind: rule.kind, name: rule.name, message });
  const rules = advertisementRules(s);
  const eps = endpointsByService(s.endpoints);
  const blocked = nodeProblem(node, nodeName);

  // Per pool and per rule, what every Service of it shares: computed once, not once per IP.
  const rulesOf = new Map<PoolView, AdvRule[]>();
  const commsOf = new Map<AdvRule, ReturnType<typeof resolveCommunities>>();
  const targetsOf = new Map<AdvRule, Partial<Record<Family, PeerSession[]>>>();
  const rulesFor = (pool: PoolView): AdvRule[] => {
    let r = rulesOf.get(pool);
    if (!r) rulesOf.set(pool, (r = rules.filter((x) => x.appliesToPool(pool))));
    return r;
  };
  const services = s.services.map((svc) => ({ svc, key: serviceKey(svc) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // Per rule (communities) and per rule and pool (aggregation): why it is skipped, computed once.
  const ruleBroken = new Map<AdvRule, string | undefined>();
  const pairBroken = new Map<AdvRule, Map<PoolView, string | undefined>>();
  const brokenFor = (rule: AdvRule, pool: PoolView): string | undefined => {
    let byPool = pairBroken.get(rule);
    if (!byPool) pairBroken.set(rule, (byPool = new Map<PoolView, string | undefined>()));
    if (!byPool.has(pool)) byPool.set(pool, aggregationProblem(rule, pool));
    return byPool.get(pool);
  };
  for (const { svc, key } of services) {
    if (svc.ips.length === 0) continue;
    const why = classProblem(svc, s.loadBalancerClass) ?? blocked ?? endpointProblem(svc, nodeName, eps.get(key));
    if (why) {
      notAnnounced[key] = why;
      continue;
    }
    const reasons: string[] = [];
    let announced = false;
    for (const ip of svc.ips) {
      const pool = poolOf(s.pools, ip, svc.pool);
      if (!pool) {
        reasons.push(`IP ${ip} is not in any pool`);
        continue;
      }
      if (pool.protocol === 'layer2') {
        reasons.push(`pool ${pool.name} is announced by layer 2, not BGP`);
        continue;
      }
      const fam = famOf(ip);
      const sent = new Set<string>();
      for (const rule of rulesFor(pool)) {
        const problem = ruleProblem(rule, node.labels, svc.labels);
        if (problem) {
          reasons.push(problem);
          continue;
        }
        let comms = commsOf.get(rule);
        if (!comms) {
          commsOf.set(rule, (comms = resolveCommunities(rule.communities, s.communities, rule.source)));
          ruleBroken.set(rule, comms.errors.length > 0 ? comms.errors.join('; ') : undefined);
        }
        const broken = ruleBroken.get(rule) ?? brokenFor(rule, pool);
        if (broken) {
          skip(rule, broken);
          reasons.push(`skipped ${broken}`);
          continue;
        }
        const prefix = aggregate(ip, fam === 'ipv6' ? rule.aggregationLengthV6 : rule.aggregationLength);
        let byFam = targetsOf.get(rule);
        if (!byFam) targetsOf.set(rule, (byFam = {}));
        const targets = (byFam[fam] ??= peers.sessions.filter(
          (x: PeerSession) => (!rule.peers || rule.peers.includes(x.peer.metadata.name)) && x.neighbor.families[fam],
        ));
        for (const t of targets) {
          const adv: Advertisement = { prefix };
          if (rule.localPref !== undefined) adv.localPref = rule.localPref;
          if (comms.standard.length) adv.communities = comms.standard;
          if (comms.large.length) adv.largeCommunities = comms.large;
          const conflict = addAdvertisement(t.neighbor, fam, adv, rule.source);
          if (conflict) skip(rule, conflict);
          addOnce(t.router.networks[fam], prefix);
          sent.add(t.peer.metadata.name);
        }
        if (targets.length === 0) reasons.push(`${rule.source}: no BGP session of this node carries ${fam === 'ipv6' ? 'IPv6' : 'IPv4'}${rule.peers ? ` to ${rule.peers.join(', ')}` : ''}`);
        if (targets.length > 0) {
          announcements.push({ service: key, ip, prefix, peers: [...sent].sort() });
          announced = true;
        }
      }
    }
    if (!announced) notAnnounced[key] = reasons.length > 0 ? [...new Set(reasons)].join('; ') : 'no BGPAdvertisement selects its pool';
  }
  const config = sortForFrr({ hostname: nodeName, logLevel, routers: peers.routers, bfdProfiles: peers.bfdProfiles });
  return { config, announcements: dedupe(announcements), notAnnounced, skipped: [...skipped.values()], errors: [] };
}

function dedupe(list: Announcement[]): Announcement[] {
  const seen = new Map<string, Announcement>();
  for (const a of list) {
    const k = `${a.service}|${a.ip}|${a.prefix}`;
    const prev = seen.get(k);
    if (prev) prev.peers = [...new Set([...prev.peers, ...a.peers])].sort();
    else seen.set(k, { ...a });
  }
  return [...seen.values()];
}
