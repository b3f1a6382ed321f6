// BGPPeers → FRR routers and neighbors for one node (pure).
import type { BGPPeer } from '../../api/bgppeer.js';
import { seconds } from '../../api/duration.js';
import { ipFamily } from '../../net/address.js';
import type { BfdProfileConfig, Family, NeighborConfig, RouterConfig } from '../frr/model.js';
import { matchesAny } from '../../util/selector.js';
import { findProblems, passwordProblem } from '../frr/model-check.js';
import type { NodeView, Snapshot } from './snapshot.js';
import type { Skipped } from './skipped.js';

export interface PeerSession {
  peer: BGPPeer;
  router: RouterConfig;
  neighbor: NeighborConfig;
}

export interface PeersResult {
  routers: RouterConfig[];
  sessions: PeerSession[];
  bfdProfiles: BfdProfileConfig[];
  /** Peers (and BFD profiles) left out, with why; every other peer is planned as if they did not exist. */
  skipped: Skipped[];
}

const peerName = (p: BGPPeer): string => p.metadata.name;

function timers(p: BGPPeer): Pick<NeighborConfig, 'holdTime' | 'keepaliveTime'> {
  const hold = p.spec.holdTime !== undefined ? seconds(p.spec.holdTime) : undefined;
  const keep = p.spec.keepaliveTime !== undefined ? seconds(p.spec.keepaliveTime) : undefined;
  if (hold === undefined && keep === undefined) return {};
  // FRR takes both together (`timers KEEPALIVE HOLD`): fill the missing one as FRR's defaults relate.
  const h = hold ?? 90;
  const k = keep ?? Math.floor(h / 3);
  return { holdTime: Math.floor(h), keepaliveTime: Math.floor(k) };
}

function families(p: BGPPeer): Family[] {
  if (p.spec.interface !== undefined || p.spec.dualStackAddressFamily) return ['ipv4', 'ipv6'];
  return [ipFamily(p.spec.peerAddress ?? '') === 6 ? 'ipv6' : 'ipv4'];
}

function neighborOf(p: BGPPeer, s: Snapshot, skip: (why: string) => void): NeighborConfig | undefined {
  const spec = p.spec;
  const n: NeighborConfig = { remoteAsn: spec.peerASN ?? spec.dynamicASN ?? 'external', families: {} };
  if (spec.peerAddress !== undefined) n.address = spec.peerAddress;
  if (spec.interface !== undefined) n.iface = spec.interface;
  if (spec.peerPort !== undefined && spec.peerPort !== 179) n.port = spec.peerPort;
  if (spec.password !== undefined) n.password = spec.password;
  if (spec.passwordSecret) {
    const ns = p.metadata.namespace ?? '';
    const key = `${spec.passwordSecret.namespace ?? ns}/${spec.passwordSecret.name}`;
    if ((spec.passwordSecret.namespace ?? ns) !== ns) {
      skip(`passwordSecret ${key} is not in the BGPPeer's namespace ${ns}: the speaker may read Secrets only there`);
      return undefined;
    }
    const pw = s.secrets[key];
    if (pw === undefined) {
      skip(s.secretProblems?.[key] ?? `passwordSecret ${key} not found, not readable yet, or has no "password" key`);
      return undefined;
    }
    // The Secret's value never passed a CRD schema: check it here, where the error can name the peer.
    const bad = passwordProblem(pw);
    if (bad) {
      skip(`the password in Secret ${key} ${bad}`);
      return undefined;
    }
    n.password = pw;
  }
  if (spec.sourceAddress !== undefined) n.sourceAddress = spec.sourceAddress;
  if (spec.ebgpMultiHop) n.ebgpMultihop = true;
  if (singleHopIpv6Ebgp(p)) n.disableConnectedCheck = true;
  Object.assign(n, timers(p));
  if (spec.connectTime !== undefined) n.connectTime = Math.floor(seconds(spec.connectTime));
  if (spec.bfdProfile !== undefined) {
    n.bfdEnabled = true;
    n.bfdProfile = spec.bfdProfile;
  }
  if (spec.enableGracefulRestart) n.gracefulRestart = true;
  if (spec.localASN !== undefined) n.localAsn = spec.localASN;
  for (const f of families(p)) n.families[f] = { advertisements: [] };
  return n;
}

/**
 * An IPv6 eBGP session without ebgpMultiHop (upstream's rule, matched): FRR opens a single-hop
 * eBGP session only to an address a connected prefix of the node covers, and IPv6 nodes often
 * have none that does (a /128 from DHCPv6 or a cloud, the router reached through a route from a
 * Router Advertisement): the session would stay Active. TTL 1 still keeps it single-hop. eBGP as
 * FRR decides it: the peer's AS differs from the one this session presents (local-as, else myASN).
 * IPv4 keeps the check, as upstream; BGP unnumbered (`interface`) peers over link-local need none.
 */
function singleHopIpv6Ebgp(p: BGPPeer): boolean {
  const spec = p.spec;
  if (spec.ebgpMultiHop || spec.interface !== undefined || ipFamily(spec.peerAddress ?? '') !== 6) return false;
  if (spec.dynamicASN !== undefined) return spec.dynamicASN === 'external';
  return spec.peerASN !== undefined && spec.peerASN !== (spec.localASN ?? spec.myASN);
}

/** A BFDProfile as FRR gets it, or why FRR would refuse it. */
function profileOf(name: string, s: Snapshot): { profile: BfdProfileConfig } | { problem: string } {
  const prof = s.bfdProfiles.find((b) => b.metadata.name === name);
  if (!prof) return { problem: `BFDProfile "${name}" does not exist` };
  const profile: BfdProfileConfig = { name, ...prof.spec };
  const problems = findProblems({ logLevel: 'informational', routers: [], bfdProfiles: [profile] });
  return problems.length > 0 ? { problem: `BFDProfile "${name}" cannot be configured: ${problems.map((x) => x.replace(/^bfdProfiles\[0\]\./, '')).join('; ')}` } : { profile };
}

/**
 * Oldest first (then by name): when two peers clash, the one that was there first keeps its
 * session and the newcomer is the one skipped, so applying a bad object never moves a working one.
 */
function byAge(a: BGPPeer, b: BGPPeer): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  return ta < tb ? -1 : ta > tb ? 1 : peerName(a).localeCompare(peerName(b));
}

/**
 * The sessions this node opens: peers whose nodeSelectors match it, grouped into routers. A peer
 * that cannot be configured (a missing Secret or BFDProfile, a clash with an older peer, a value
 * FRR would refuse) is skipped on its own: the other peers are planned as if it did not exist.
 */
export function planPeers(s: Snapshot, node: NodeView): PeersResult {
  const skipped: Skipped[] = [];
  const routers = new Map<string, RouterConfig>();
  const sessions: PeerSession[] = [];
  const profiles = new Map<string, BfdProfileConfig>();
  for (const p of [...s.peers].sort(byAge)) {
    if (!matchesAny(p.spec.nodeSelectors, node.labels)) continue;
    let skippedThis = false;
    const skip = (why: string): void => {
      skippedThis = true;
      skipped.push({ kind: 'BGPPeer', name: peerName(p), message: `BGPPeer ${peerName(p)}: ${why}` });
    };
    const vrf = p.spec.vrf ?? '';
    const where = vrf ? `VRF ${vrf}` : 'the default VRF';
    const existing = routers.get(vrf);
    if (existing && existing.asn !== p.spec.myASN) {
      skip(`myASN ${p.spec.myASN} differs from ${existing.asn} used by an older peer in ${where}; FRR runs one BGP instance per VRF`);
      continue;
    }
    if (existing && p.spec.routerID && existing.routerId && existing.routerId !== p.spec.routerID) {
      skip(`routerID ${p.spec.routerID} differs from ${existing.routerId} set by an older peer with the same ASN and VRF`);
      continue;
    }
    const neighbor = neighborOf(p, s, skip);
    if (!neighbor || skippedThis) continue;
    if (existing?.neighbors.some((n) => (n.address ?? n.iface) === (neighbor.address ?? neighbor.iface))) {
      skip(`an older BGPPeer already peers with ${neighbor.address ?? neighbor.iface} in ${where} from this node`);
      continue;
    }
    let profile: BfdProfileConfig | undefined;
    if (neighbor.bfdProfile !== undefined) {
      const r = profileOf(neighbor.bfdProfile, s);
      if ('problem' in r) {
        skip(r.problem);
        continue;
      }
      profile = r.profile;
    }
    // What FRR would refuse about this peer alone (localASN equal to myASN, a VRF or interface
    // name FRR cannot take): checked with the peer on its own, so the error names it.
    const router: RouterConfig = existing ?? { asn: p.spec.myASN, neighbors: [], networks: { ipv4: [], ipv6: [] } };
    if (!existing && vrf) router.vrf = vrf;
    const routerId = p.spec.routerID ?? router.routerId;
    const alone: RouterConfig = {
      asn: router.asn,
      neighbors: [neighbor],
      networks: { ipv4: [], ipv6: [] },
      ...(router.vrf ? { vrf: router.vrf } : {}),
      ...(routerId ? { routerId } : {}),
    };
    const problems = findProblems({ logLevel: 'informational', routers: [alone], bfdProfiles: profile ? [profile] : [] });
    if (problems.length > 0) {
      skip(`FRR would refuse it: ${problems.map((x) => x.replace(/^routers\[0\]\.(neighbors\[0\]\.)?/, '')).join('; ')}`);
      continue;
    }
    if (!existing) routers.set(vrf, router);
    if (p.spec.routerID) router.routerId = p.spec.routerID;
    router.neighbors.push(neighbor);
    sessions.push({ peer: p, router, neighbor });
    if (profile) profiles.set(profile.name, profile);
  }
  return { routers: [...routers.values()], sessions, bfdProfiles: [...profiles.values()].sort((a, b) => a.name.localeCompare(b.name)), skipped };
}
