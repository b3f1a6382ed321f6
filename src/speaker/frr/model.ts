// The FRR configuration a speaker wants, as plain data: no Kubernetes types, no FRR syntax. The
// announce planner fills it; model-check.ts checks it; render.ts prints it. Whoever builds the model
// decides the order of lists: the renderer prints them in the order given (sortForFrr() puts them in
// the order FRR prints them back, which keeps a rendered file and `show running-config` alike).
import { canonicalIP, compareIPs, parseIP } from '../../net/address.js';
import { comparePrefixes, parsePrefix } from '../../net/prefix.js';
import { communityValue } from './community.js';

export type Family = 'ipv4' | 'ipv6';
export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

/** FRR's syslog-style levels, as `log stdout LEVEL` takes them. */
export type FrrLogLevel =
  | 'emergencies'
  | 'alerts'
  | 'critical'
  | 'errors'
  | 'warnings'
  | 'notifications'
  | 'informational'
  | 'debugging';

export interface FrrConfig {
  /** Printed as `hostname X`; a global line the applier never changes. */
  hostname?: string;
  logLevel: FrrLogLevel;
  /** One `router bgp ASN [vrf V]` each; (asn, vrf) pairs are unique, and a VRF has one ASN. */
  routers: RouterConfig[];
  bfdProfiles: BfdProfileConfig[];
}

export interface RouterConfig {
  asn: number;
  /** Absent or '' for the default VRF. */
  vrf?: string;
  routerId?: string;
  neighbors: NeighborConfig[];
  /** Prefixes this router originates (`network P` lines), per address family. */
  networks: Record<Family, string[]>;
}

export interface NeighborConfig {
  /** Exactly one of address (an IP) and iface (BGP unnumbered: `neighbor IFACE interface ...`). */
  address?: string;
  iface?: string;
  remoteAsn: number | 'internal' | 'external';
  port?: number;
  /** BGP TCP-MD5 password; never logged. */
  password?: string;
  /** `update-source`: an IP address or an interface name. */
  sourceAddress?: string;
  /** `ebgp-multihop` (FRR prints 255 when no hop count is given). */
  ebgpMultihop?: boolean;
  /**
   * `disable-connected-check`: open a single-hop eBGP session to an address no connected prefix
   * of the node covers (decided by the planner: IPv6 single-hop eBGP, as upstream).
   */
  disableConnectedCheck?: boolean;
  /** Seconds; rendered as `timers KEEPALIVE HOLD`, 30 90 when both are unset. */
  holdTime?: number;
  keepaliveTime?: number;
  /** Seconds; `timers connect N`. */
  connectTime?: number;
  bfdEnabled?: boolean;
  /** Implies bfdEnabled; names an entry of FrrConfig.bfdProfiles. */
  bfdProfile?: string;
  gracefulRestart?: boolean;
  /** `local-as N`: the ASN this session presents instead of the router's. */
  localAsn?: number;
  /** Families the session carries (`activate`); each lists what is advertised to this neighbor. */
  families: Partial<Record<Family, NeighborFamilyConfig>>;
}

export interface NeighborFamilyConfig {
  advertisements: Advertisement[];
}

export interface Advertisement {
  /** A prefix of the family it is listed under; also listed in RouterConfig.networks. */
  prefix: string;
  localPref?: number;
  /** Standard communities: "A:B" (16-bit parts) or a well-known name ("no-export"). */
  communities?: string[];
  /** Large communities "A:B:C" (32-bit parts). */
  largeCommunities?: string[];
}

export interface BfdProfileConfig {
  name: string;
  /** Milliseconds. */
  receiveInterval?: number;
  transmitInterval?: number;
  detectMultiplier?: number;
  echoInterval?: number;
  echoMode?: boolean;
  passiveMode?: boolean;
  minimumTtl?: number;
}

/** The name FRR knows a neighbor by (its address or interface). */
export function neighborKey(n: NeighborConfig): string {
  if (n.address !== undefined) return canonicalIP(n.address) ?? n.address;
  return n.iface ?? '';
}

/**
 * The neighbor's id in policy names (`<id>-in`, `<id>-pl-ipv4`): route-maps and prefix-lists are
 * global in FRR, so a neighbor in a non-default VRF carries the VRF in its id.
 */
export function neighborId(router: RouterConfig, n: NeighborConfig): string {
  const key = neighborKey(n);
  return router.vrf ? `${key}-${router.vrf}` : key;
}

function compareNeighbors(a: NeighborConfig, b: NeighborConfig): number {
  // FRR lists interface neighbors first (by name), then IPv4, then IPv6, by address.
  if (a.iface !== undefined || b.iface !== undefined) {
    if (a.iface !== undefined && b.iface !== undefined) return a.iface < b.iface ? -1 : a.iface > b.iface ? 1 : 0;
    return a.iface !== undefined ? -1 : 1;
  }
  const pa = parseIP(a.address ?? '');
  const pb = parseIP(b.address ?? '');
  if (!pa || !pb) return (a.address ?? '') < (b.address ?? '') ? -1 : 1;
  return compareIPs(pa, pb);
}

function sortPrefixes(prefixes: readonly string[]): string[] {
  const parsed = prefixes.map((p) => ({ p, v: parsePrefix(p) }));
  return parsed
    .sort((x, y) => (x.v && y.v ? comparePrefixes(x.v, y.v) : x.p < y.p ? -1 : x.p > y.p ? 1 : 0))
    .map((x) => x.p);
}

function sortCommunities(list: readonly string[] | undefined): string[] | undefined {
  if (!list) return undefined;
  return [...list].sort((a, b) => (communityValue(a) ?? 0) - (communityValue(b) ?? 0));
}

/**
 * A copy of the model in the order FRR prints things back: default VRF first then VRFs by name,
 * neighbors as FRR sorts them, prefixes by address, communities by value, profiles by name.
 */
export function sortForFrr(config: FrrConfig): FrrConfig {
  const routers = [...config.routers].sort((a, b) => {
    const va = a.vrf ?? '';
    const vb = b.vrf ?? '';
    return va === vb ? a.asn - b.asn : va < vb ? -1 : 1;
  });
  return {
    ...config,
    routers: routers.map((r) => ({
      ...r,
      networks: { ipv4: sortPrefixes(r.networks.ipv4), ipv6: sortPrefixes(r.networks.ipv6) },
      neighbors: [...r.neighbors].sort(compareNeighbors).map((n) => {
        const families: Partial<Record<Family, NeighborFamilyConfig>> = {};
        for (const f of FAMILIES) {
          const fam = n.families[f];
          if (!fam) continue;
          const order = new Map(sortPrefixes(fam.advertisements.map((a) => a.prefix)).map((p, i) => [p, i]));
          families[f] = {
            advertisements: [...fam.advertisements]
              .sort((a, b) => (order.get(a.prefix) ?? 0) - (order.get(b.prefix) ?? 0))
              .map((a) => ({
                ...a,
                ...(a.communities ? { communities: sortCommunities(a.communities) } : {}),
                ...(a.largeCommunities ? { largeCommunities: [...a.largeCommunities].sort() } : {}),
              })),
          };
        }
        return { ...n, families };
      }),
    })),
    bfdProfiles: [...config.bfdProfiles].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}
