// BGPPeers → FRR routers and neighbors for one node (pure).
import type { BGPPeer } from '../../api/bgppeer.js';
import { seconds } from '../../api/duration.js';
import { ipFamily } from '../../api/netcheck.js';
import type { BfdProfileConfig, Family, NeighborConfig, RouterConfig } from '../frr/model.js';
import { matchesAny } from '../../util/selector.js';
import { passwordProblem } from '../frr/validate.js';
import type { NodeView, Snapshot } from './snapshot.js';

export interface PeerSession {
  peer: BGPPeer;
  router: RouterConfig;
  neighbor: NeighborConfig;
}

export interface PeersResult {
  routers: RouterConfig[];
  sessions: PeerSession[];
  bfdProfiles: BfdProfileConfig[];
  errors: string[];
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

function neighborOf(p: BGPPeer, s: Snapshot, errors: string[]): NeighborConfig | undefined {
  const spec = p.spec;
  const n: NeighborConfig = { remoteAsn: spec.peerASN ?? spec.dynamicASN ?? 'external', families: {} };
  if (spec.peerAddress !== undefined) n.address = spec.peerAddress;
  if (spec.interface !== undefined) n.iface = spec.interface;
  if (spec.peerPort !== undefined && spec.peerPort !== 179) n.port = spec.peerPort;
  if (spec.password !== undefined) n.password = spec.password;
  if (spec.passwordSecret) {
    const key = `${spec.passwordSecret.namespace ?? p.metadata.namespace ?? ''}/${spec.passwordSecret.name}`;
    const pw = s.secrets[key];
    if (pw === undefined) {
      errors.push(`BGPPeer ${peerName(p)}: passwordSecret ${key} not found or has no "password" key`);
      return undefined;
    }
    // The Secret's value never passed a CRD schema: check it here, where the error can name the peer.
    const bad = passwordProblem(pw);
    if (bad) {
      errors.push(`BGPPeer ${peerName(p)}: the password in Secret ${key} ${bad}`);
      return undefined;
    }
    n.password = pw;
  }
  if (spec.sourceAddress !== undefined) n.sourceAddress = spec.sourceAddress;
  if (spec.ebgpMultiHop) n.ebgpMultihop = true;
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

/** The sessions this node opens: peers whose nodeSelectors match it, grouped into routers. */
export function planPeers(s: Snapshot, node: NodeView): PeersResult {
  const errors: string[] = [];
  const routers = new Map<string, RouterConfig>();
  const sessions: PeerSession[] = [];
  const peers = [...s.peers].sort((a, b) => peerName(a).localeCompare(peerName(b)));
  for (const p of peers) {
    if (!matchesAny(p.spec.nodeSelectors, node.labels)) continue;
    const vrf = p.spec.vrf ?? '';
    let router = routers.get(vrf);
    if (router && router.asn !== p.spec.myASN) {
      errors.push(`BGPPeer ${peerName(p)}: myASN ${p.spec.myASN} differs from ${router.asn} used by another peer in ${vrf ? `VRF ${vrf}` : 'the default VRF'}; FRR runs one BGP instance per VRF`);
      continue;
    }
    if (router && p.spec.routerID && router.routerId && router.routerId !== p.spec.routerID) {
      errors.push(`BGPPeer ${peerName(p)}: routerID ${p.spec.routerID} differs from ${router.routerId} set by another peer with the same ASN and VRF`);
      continue;
    }
    const neighbor = neighborOf(p, s, errors);
    if (!neighbor) continue;
    if (!router) {
      router = { asn: p.spec.myASN, neighbors: [], networks: { ipv4: [], ipv6: [] } };
      if (vrf) router.vrf = vrf;
      routers.set(vrf, router);
    }
    if (p.spec.routerID) router.routerId = p.spec.routerID;
    const dup = router.neighbors.find((n) => (n.address ?? n.iface) === (neighbor.address ?? neighbor.iface));
    if (dup) {
      errors.push(`BGPPeer ${peerName(p)}: another BGPPeer already peers with ${neighbor.address ?? neighbor.iface} from this node`);
      continue;
    }
    router.neighbors.push(neighbor);
    sessions.push({ peer: p, router, neighbor });
  }
  const bfdProfiles: BfdProfileConfig[] = [];
  for (const name of new Set(sessions.map((x) => x.neighbor.bfdProfile).filter((x): x is string => !!x))) {
    const prof = s.bfdProfiles.find((b) => b.metadata.name === name);
    if (!prof) {
      errors.push(`BFDProfile "${name}" (used by BGPPeer ${sessions.filter((x) => x.neighbor.bfdProfile === name).map((x) => peerName(x.peer)).join(', ')}) does not exist`);
      continue;
    }
    bfdProfiles.push({ name, ...prof.spec });
  }
  return { routers: [...routers.values()], sessions, bfdProfiles, errors };
}
