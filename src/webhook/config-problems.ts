// What is wrong across the metallb.io objects of one namespace: the cross-object rules a CRD schema
// cannot see (pure). The admission webhook refuses a change that adds one of these; the programs
// find the same problems at runtime with the same code (pool problems from the controller's
// ipam, peer problems from the speaker's peer planner), so the two can never disagree.
import type { Obj } from '../api/object.js';
import type { BGPPeer } from '../api/bgppeer.js';
import { poolProblems } from '../controller/ipam/pool-problems.js';
import { snapshotFromObjects } from '../speaker/announce/build-snapshot.js';
import { planPeers } from '../speaker/announce/peers.js';
import { advertisementRules, aggregationProblem } from '../speaker/announce/advertisements.js';
import { resolveCommunities } from '../speaker/announce/communities.js';
import type { NodeView, Snapshot } from '../speaker/announce/snapshot.js';

export interface ConfigProblem {
  /** The object the problem is reported on. */
  kind: string;
  name: string;
  /** A whole sentence naming the objects involved: what the user reads in kubectl's rejection. */
  message: string;
}

/** No Node yet (a fresh cluster, GitOps applying config first): peers are checked as for a node without labels. */
const ANY_NODE: NodeView = { name: '', labels: {}, networkUnavailable: false };

/**
 * Secrets are not the webhook's to read (least privilege) and may legitimately arrive after the
 * BGPPeer (external-secrets, GitOps order): every referenced Secret counts as present and valid
 * here; the speaker reports a missing or malformed one on the BGPPeer at runtime.
 */
function assumeSecretsPresent(s: Snapshot): void {
  for (const p of s.peers) {
    const ref = p.spec.passwordSecret;
    const ns = p.metadata.namespace ?? '';
    if (ref) s.secrets[`${ref.namespace ?? ns}/${ref.name}`] = 'secret-checked-at-runtime';
  }
}

function peerProblems(s: Snapshot): ConfigProblem[] {
  const out = new Map<string, ConfigProblem>();
  const nodes = s.nodes.length > 0 ? s.nodes : [ANY_NODE];
  for (const node of nodes) {
    for (const skip of planPeers(s, node).skipped) {
      // "from this node" in the planner's words: say which node, when there is one.
      const message = node.name ? `${skip.message} (node ${node.name})` : skip.message;
      out.set(message, { kind: skip.kind, name: skip.name, message });
    }
  }
  return [...out.values()];
}

function advertisementProblems(objects: readonly Obj[], s: Snapshot): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const poolNames = new Set(s.pools.map((p) => p.name));
  for (const adv of objects.filter((o) => o.kind === 'BGPAdvertisement' || o.kind === 'L2Advertisement')) {
    const name = adv.metadata?.name ?? '';
    for (const pool of (adv['spec'] as { ipAddressPools?: string[] } | undefined)?.ipAddressPools ?? []) {
      if (!poolNames.has(pool)) out.push({ kind: adv.kind!, name, message: `${adv.kind!} ${name}: ipAddressPools names pool "${pool}", which does not exist; create the IPAddressPool first` });
    }
  }
  for (const rule of advertisementRules(s)) {
    const comms = resolveCommunities(rule.communities, s.communities, rule.source);
    for (const e of comms.errors) out.push({ kind: rule.kind, name: rule.name, message: e });
    for (const pool of s.pools) {
      if (!rule.appliesToPool(pool)) continue;
      const problem = aggregationProblem(rule, pool);
      if (problem) out.push({ kind: rule.kind, name: rule.name, message: problem });
    }
  }
  return out;
}

/** Every cross-object problem among `objects` (metallb.io objects of one namespace plus the cluster's Nodes). */
export function configProblems(objects: readonly Obj[]): ConfigProblem[] {
  const pools = poolProblems(objects).map((p): ConfigProblem => {
    const kind = objects.find((o) => o.metadata?.name === p.pool && (o.kind === 'IPAddressPool' || o.kind === 'AddressPool'))?.kind ?? 'IPAddressPool';
    return { kind, name: p.pool ?? '', message: p.message };
  });
  const s = snapshotFromObjects(objects);
  assumeSecretsPresent(s);
  return [...pools, ...peerProblems(s), ...advertisementProblems(objects, s)];
}

/** The BGPPeers that name a BFDProfile: a profile in use must not be deleted under them. */
export function peersUsingProfile(objects: readonly Obj[], profile: string): string[] {
  return (objects.filter((o) => o.kind === 'BGPPeer') as unknown as BGPPeer[])
    .filter((p) => p.spec.bfdProfile === profile)
    .map((p) => p.metadata.name)
    .sort();
}
