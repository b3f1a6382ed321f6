// BGPPeer: a BGP router the speakers open sessions to. v1beta2 is stored; v1beta1 is served as a
// strict subset of it (same names, same shapes). The conversion webhook (bgppeer-conversion.ts,
// docs/adr/0017) keeps the fields only v1beta2 has through a v1beta1 round trip.
import { s, NAME_PATTERN, FRR_TOKEN_PATTERN, IFNAME_HINT, IFNAME_PATTERN, asn, duration, BFD_PROFILE_NAME_MAX_LENGTH, BGP_TIMER_MAX_SECONDS, PASSWORD_MAX_LENGTH } from './s.js';
import type { Infer } from './schema-compound.js';
import type { Rule } from './schema.js';
import type { KindDef, PrinterColumn } from './kind.js';
import type { Resource } from './common.js';
import { condition, labelSelectors } from './common.js';
import { ipFamily } from '../net/address.js';
import { celIsIP } from './netcheck.js';
import { parseDuration } from './duration.js';

const ip = (description: string): ReturnType<typeof s.str> =>
  s.str({ description, maxLength: 45 }).rule({ rule: 'isIP(self)', message: 'must be an IPv4 or IPv6 address', check: celIsIP });

const sec = (d: string | undefined, fallback: number): number => (d === undefined ? fallback : (parseDuration(d) ?? NaN));

const MAX = `duration('${BGP_TIMER_MAX_SECONDS}s')`;
const holdTime = duration(`Hold time proposed to the peer: 0s (no keepalives) or 3s-${BGP_TIMER_MAX_SECONDS}s; default 90s`).rule({
  rule: `(duration(self) == duration('0s') || duration(self) >= duration('3s')) && duration(self) <= ${MAX}`,
  message: `holdTime must be 0s or between 3s and ${BGP_TIMER_MAX_SECONDS}s`,
  check: (v) => (sec(v, 0) === 0 || sec(v, 0) >= 3) && sec(v, 0) <= BGP_TIMER_MAX_SECONDS,
});
const keepaliveTime = duration('Keepalive interval; must not exceed holdTime; default holdTime/3').rule({
  rule: `duration(self) <= ${MAX}`,
  message: `keepaliveTime must be at most ${BGP_TIMER_MAX_SECONDS}s`,
  check: (v) => sec(v, 0) <= BGP_TIMER_MAX_SECONDS,
});
const connectTime = duration('How long to wait between connection attempts (1s-65535s, whole seconds); default 120s in FRR').rule({
  rule: "duration(self) >= duration('1s') && duration(self) <= duration('65535s')",
  message: 'connectTime must be between 1s and 65535s',
  check: (v) => sec(v, 0) >= 1 && sec(v, 0) <= 65535,
});

const keepaliveNotAboveHold: Rule<{ keepaliveTime?: string; holdTime?: string }> = {
  rule: "!has(self.keepaliveTime) || duration(self.keepaliveTime) <= (has(self.holdTime) ? duration(self.holdTime) : duration('90s'))",
  message: 'keepaliveTime must be lower than or equal to holdTime (90s when unset)',
  fieldPath: '.keepaliveTime',
  check: (v) => v.keepaliveTime === undefined || sec(v.keepaliveTime, 0) <= sec(v.holdTime, 90),
};

export const bgpPeerSpecV1beta2 = s
  .obj(
    {
      myASN: asn('The AS number the speakers use for this session'),
      peerASN: asn('The AS number of the peer; exclusive with dynamicASN'),
      dynamicASN: s.str({ enum: ['internal', 'external'] as const, description: 'Detect the peer ASN: internal (iBGP) or external (eBGP); exclusive with peerASN' }),
      localASN: asn('Present this AS number to the peer instead of myASN (FRR "local-as")'),
      peerAddress: ip('The peer address; exclusive with interface'),
      interface: s.str({ description: 'Peer over this interface with BGP unnumbered; exclusive with peerAddress', pattern: IFNAME_PATTERN, patternHint: `must be an interface name (${IFNAME_HINT})` }),
      sourceAddress: ip('The local address the session starts from (FRR "update-source")'),
      peerPort: s.int({ description: 'The peer TCP port (default 179)', minimum: 1, maximum: 65535 }),
      holdTime,
      keepaliveTime,
      connectTime,
      routerID: s.str({ description: 'BGP router ID to use instead of the node address', maxLength: 15 }).rule({
        rule: 'isIP(self) && ip(self).family() == 4',
        message: 'routerID must be an IPv4 address',
        check: (v) => celIsIP(v) && ipFamily(v) === 4,
      }),
      nodeSelectors: labelSelectors('Only nodes matching one of these selectors peer with this router; empty means every node'),
      password: s.str({ description: 'TCP MD5 password; exclusive with passwordSecret', pattern: FRR_TOKEN_PATTERN, patternHint: 'must be printable ASCII without spaces or line breaks', maxLength: PASSWORD_MAX_LENGTH }),
      passwordSecret: s.obj(
        {
          name: s.str({ pattern: NAME_PATTERN, patternHint: 'must be a Secret name', maxLength: 253 }),
          namespace: s.str({ pattern: NAME_PATTERN, patternHint: 'must be a namespace name', maxLength: 63 }),
        },
        { description: 'A kubernetes.io/basic-auth Secret in the operator namespace whose "password" key is the TCP MD5 password', required: ['name'] },
      ),
      bfdProfile: s.str({
        description: `The BFDProfile to enable BFD with on this session (at most ${BFD_PROFILE_NAME_MAX_LENGTH} characters: FRR's limit for a profile name)`,
        pattern: NAME_PATTERN,
        patternHint: 'must be a lowercase DNS-1123 name (a-z, 0-9, "-", ".")',
        maxLength: BFD_PROFILE_NAME_MAX_LENGTH,
      }),
      ebgpMultiHop: s.bool({ description: 'The eBGP peer is several hops away. Without it an IPv6 eBGP session is opened with FRR disable-connected-check (as upstream): a node whose IPv6 address is a /128 has no connected prefix covering its router' }),
      vrf: s
        .str({ description: 'The VRF the session lives in (default: the default VRF)', pattern: IFNAME_PATTERN, patternHint: `must be a VRF name (${IFNAME_HINT})` })
        .rule({ rule: "self != 'default'", message: 'leave vrf unset for the default VRF ("default" is not a VRF device)', check: (v) => v !== 'default' }),
      enableGracefulRestart: s.bool({ description: 'Enable BGP graceful restart with this peer' }),
      disableMP: s.bool({
        description:
          'Deprecated (as upstream): a session carries only its own address family unless dualStackAddressFamily is set, which is what disableMP: true asked for; it cannot be combined with dualStackAddressFamily: true',
      }),
      dualStackAddressFamily: s.bool({ description: 'Announce both IPv4 and IPv6 prefixes over this session, whatever its address family' }),
    },
    { required: ['myASN'] },
  )
  .rule({ rule: 'has(self.peerASN) != has(self.dynamicASN)', message: 'exactly one of peerASN or dynamicASN must be set', check: (v) => (v.peerASN !== undefined) !== (v.dynamicASN !== undefined) })
  .rule({ rule: 'has(self.peerAddress) != has(self.interface)', message: 'exactly one of peerAddress or interface must be set', check: (v) => (v.peerAddress !== undefined) !== (v.interface !== undefined) })
  .rule({ rule: '!(has(self.password) && has(self.passwordSecret))', message: 'password and passwordSecret are mutually exclusive', check: (v) => !(v.password !== undefined && v.passwordSecret !== undefined) })
  .rule(keepaliveNotAboveHold)
  .rule({
    rule: '!(has(self.disableMP) && self.disableMP && has(self.dualStackAddressFamily) && self.dualStackAddressFamily)',
    message: 'disableMP: true (one address family per session) contradicts dualStackAddressFamily: true; disableMP is deprecated, drop it',
    fieldPath: '.disableMP',
    check: (v) => !(v.disableMP === true && v.dualStackAddressFamily === true),
  })
  .rule({
    // A transition rule: it needs the stored object, so only the apiserver can judge it (offline,
    // every object is a creation). As upstream: FRR applies graceful restart only to new sessions.
    rule: '(has(self.enableGracefulRestart) && self.enableGracefulRestart) == (has(oldSelf.enableGracefulRestart) && oldSelf.enableGracefulRestart)',
    message: 'enableGracefulRestart cannot be changed after creation: delete the BGPPeer and create it again',
    fieldPath: '.enableGracefulRestart',
    check: () => true,
  })
  .rule({
    rule: '!has(self.localASN) || self.localASN != self.myASN',
    message: 'localASN must differ from myASN (FRR refuses "local-as" equal to the router ASN); leave it unset to present myASN',
    fieldPath: '.localASN',
    check: (v) => v.localASN === undefined || v.localASN !== v.myASN,
  })
  .rule({
    rule: "!has(self.holdTime) || duration(self.holdTime) != duration('0s') || !has(self.keepaliveTime) || duration(self.keepaliveTime) == duration('0s')",
    message: 'keepaliveTime must be 0s when holdTime is 0s',
    fieldPath: '.keepaliveTime',
    check: (v) => v.holdTime === undefined || sec(v.holdTime, 0) !== 0 || v.keepaliveTime === undefined || sec(v.keepaliveTime, 0) === 0,
  });

/** v1beta1: the fields v1beta1 always had, with the same shapes as v1beta2. */
export const V1BETA1_FIELDS = ['myASN', 'peerASN', 'peerAddress', 'sourceAddress', 'peerPort', 'holdTime', 'keepaliveTime', 'routerID', 'nodeSelectors', 'password', 'bfdProfile', 'ebgpMultiHop', 'vrf'] as const;
export const bgpPeerSpecV1beta1 = bgpPeerSpecV1beta2.pick(V1BETA1_FIELDS, { required: ['myASN', 'peerASN', 'peerAddress'] }).rule(keepaliveNotAboveHold);

export const bgpPeerStatus = s.obj({
  conditions: s.arr(condition, { maxItems: 16 }),
  established: s.str({ description: 'Sessions Established over the nodes that peer with this router, e.g. "2/3" (written by the controller from sessions)', maxLength: 32 }),
  sessions: s.arr(
    s.obj(
      {
      node: s.str({ description: 'The node whose speaker holds the session' }),
      state: s.str({ description: 'BGP state: Idle, Connect, Active, OpenSent, OpenConfirm or Established; Skipped when this node cannot configure the peer (see problem)' }),
      bfdState: s.str({ description: 'BFD state: Up, Down, Init, AdminDown, or empty when BFD is off' }),
      prefixesSent: s.int({ minimum: 0 }),
      lastChange: s.str({ description: 'RFC 3339 time of the last state change' }),
      problem: s.str({ description: 'Why this node leaves the peer out of its config (state Skipped); the rest of its config is applied' }),
      },
      { required: ['node'] },
    ),
    // Each speaker server-side applies only its own entry (field manager per node), so speakers
    // never overwrite each other's session state.
    { description: 'One entry per node that peers with this router', maxItems: 5000, listType: 'map', listMapKeys: ['node'] },
  ),
});

export type BGPPeerSpec = Infer<typeof bgpPeerSpecV1beta2>;
export type BGPPeerSpecV1beta1 = Infer<typeof bgpPeerSpecV1beta1>;
export type BGPPeerStatus = Infer<typeof bgpPeerStatus>;
export type BGPPeer = Resource<'BGPPeer', BGPPeerSpec, BGPPeerStatus>;

const columns: PrinterColumn[] = [
  { name: 'Address', type: 'string', jsonPath: '.spec.peerAddress' },
  { name: 'ASN', type: 'integer', jsonPath: '.spec.peerASN' },
  { name: 'BFD Profile', type: 'string', jsonPath: '.spec.bfdProfile' },
  { name: 'Multi Hops', type: 'boolean', jsonPath: '.spec.ebgpMultiHop' },
  // One value per column: a count over every node's session, not the first node's state.
  { name: 'Established', type: 'string', jsonPath: '.status.established', description: 'Sessions Established / nodes that peer with this router' },
];

export const bgpPeerKind: KindDef = {
  kind: 'BGPPeer',
  plural: 'bgppeers',
  singular: 'bgppeer',
  description: 'BGPPeer is a BGP router that the speakers on the selected nodes open a session to.',
  versions: [
    { name: 'v1beta1', served: true, storage: false, spec: bgpPeerSpecV1beta1, specRequired: true, status: bgpPeerStatus, printerColumns: columns },
    {
      name: 'v1beta2',
      served: true,
      storage: true,
      spec: bgpPeerSpecV1beta2,
      specRequired: true,
      status: bgpPeerStatus,
      printerColumns: [...columns.slice(0, 1), { name: 'Interface', type: 'string', jsonPath: '.spec.interface', priority: 1 }, ...columns.slice(1)],
    },
  ],
};

/** The only Secret type a passwordSecret may name (as upstream): its "password" key is the password. */
export const PASSWORD_SECRET_TYPE = 'kubernetes.io/basic-auth';

/**
 * The Secrets of `namespace` that these BGPPeers name: the speaker may read exactly these (the
 * operator renders them as its Role's resourceNames) and watches each one by name.
 */
export function passwordSecretNames(peers: readonly { metadata?: { namespace?: string }; spec?: unknown }[], namespace: string): string[] {
  const names = new Set<string>();
  for (const p of peers) {
    const ref = (p.spec as { passwordSecret?: { name?: string; namespace?: string } } | undefined)?.passwordSecret;
    if (ref?.name && (ref.namespace ?? p.metadata?.namespace ?? namespace) === namespace) names.add(ref.name);
  }
  return [...names].sort();
}
