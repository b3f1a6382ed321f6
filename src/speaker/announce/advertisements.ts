// BGPAdvertisements and AddressPools' inline advertisements, as one list of rules (pure).
import type { BGPAdvertisement } from '../../api/bgpadvertisement.js';
import type { LabelSelector } from '../../api/common.js';
import { matchesAny } from '../../util/selector.js';
import { parseRange, widestPrefixLength } from '../../net/range.js';
import type { PoolView, Snapshot } from './snapshot.js';

export interface AdvRule {
  /** For messages: "BGPAdvertisement example" or "AddressPool address-pool-bgp". */
  source: string;
  /** The object that holds the rule, for the Event and metric when it is skipped. */
  kind: 'BGPAdvertisement' | 'AddressPool';
  name: string;
  appliesToPool: (pool: PoolView) => boolean;
  nodeSelectors?: LabelSelector[];
  serviceSelectors?: LabelSelector[];
  peers?: string[];
  aggregationLength: number;
  aggregationLengthV6: number;
  localPref?: number;
  communities: string[];
}

function fromBGPAdvertisement(a: BGPAdvertisement): AdvRule {
  const spec = a.spec ?? {};
  const names = spec.ipAddressPools ?? [];
  const selectors = spec.ipAddressPoolSelectors ?? [];
  const rule: AdvRule = {
    source: `BGPAdvertisement ${a.metadata.name}`,
    kind: 'BGPAdvertisement',
    name: a.metadata.name,
    // No pool and no selector means every IPAddressPool. AddressPools carry their own
    // advertisements (below), so a catch-all BGPAdvertisement does not announce them twice.
    appliesToPool: (pool) =>
      pool.protocol === undefined &&
      ((names.length === 0 && selectors.length === 0) || names.includes(pool.name) || (selectors.length > 0 && matchesAny(selectors, pool.labels))),
    aggregationLength: spec.aggregationLength ?? 32,
    aggregationLengthV6: spec.aggregationLengthV6 ?? 128,
    communities: spec.communities ?? [],
  };
  if (spec.nodeSelectors?.length) rule.nodeSelectors = spec.nodeSelectors;
  if (spec.serviceSelectors?.length) rule.serviceSelectors = spec.serviceSelectors;
  if (spec.peers?.length) rule.peers = spec.peers;
  if (spec.localPref !== undefined) rule.localPref = spec.localPref;
  return rule;
}

function fromAddressPool(pool: PoolView): AdvRule[] {
  if (pool.protocol !== 'bgp') return [];
  const inline = pool.bgpAdvertisements ?? [];
  // An AddressPool with protocol bgp and no advertisements announces each IP as a host route to
  // every peer from every node: what seed 002 relies on.
  const list = inline.length > 0 ? inline : [{}];
  return list.map((a, i) => {
    const rule: AdvRule = {
      source: `AddressPool ${pool.name}${inline.length > 1 ? ` bgpAdvertisements[${i}]` : ''}`,
      kind: 'AddressPool' as const,
      name: pool.name,
      appliesToPool: (p) => p.name === pool.name && p.protocol === 'bgp',
      aggregationLength: a.aggregationLength ?? 32,
      aggregationLengthV6: a.aggregationLengthV6 ?? 128,
      communities: a.communities ?? [],
    };
    if (a.localPref !== undefined) rule.localPref = a.localPref;
    return rule;
  });
}

export function advertisementRules(s: Snapshot): AdvRule[] {
  const sorted = [...s.bgpAdvertisements].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  return [...sorted.map(fromBGPAdvertisement), ...[...s.pools].sort((a, b) => a.name.localeCompare(b.name)).flatMap(fromAddressPool)];
}

/** Why a rule does not apply to this node/Service, or undefined when it applies. */
export function ruleProblem(rule: AdvRule, nodeLabels: Record<string, string>, serviceLabels: Record<string, string>): string | undefined {
  if (!matchesAny(rule.nodeSelectors, nodeLabels)) return `${rule.source}: nodeSelectors do not match this node`;
  if (!matchesAny(rule.serviceSelectors, serviceLabels)) return `${rule.source}: serviceSelectors do not match the Service`;
  return undefined;
}

/**
 * Why a rule must not announce a pool: an aggregation length shorter than a block of the pool
 * would announce addresses outside it (aggregationLength 0 is a default route), which MetalLB
 * refuses. Checked per address entry, as upstream does; undefined when the pair is fine.
 */
export function aggregationProblem(rule: AdvRule, pool: PoolView): string | undefined {
  for (const entry of pool.addresses) {
    const range = parseRange(entry);
    if (!range) continue;
    const [field, length] = range.family === 4 ? ['aggregationLength', rule.aggregationLength] : ['aggregationLengthV6', rule.aggregationLengthV6];
    const widest = widestPrefixLength(range);
    if (length < widest) {
      return `${rule.source}: ${field} ${length} is shorter than /${widest} in pool ${pool.name} (addresses ${entry}): it would announce addresses outside the pool`;
    }
  }
  return undefined;
}
