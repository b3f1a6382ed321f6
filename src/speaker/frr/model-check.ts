// Input validation for the render model. Every string that reaches frr.conf is checked here: FRR
// splits a line into tokens at whitespace and reads a newline as a new command, so a stray space,
// newline or control character in a password, community, VRF or profile name could add or change
// configuration. A model that fails here is never rendered, so the applier leaves FRR untouched.
import { ValidationError } from '../../util/errors.js';
import { BFD_LIMITS } from '../../api/bfdprofile.js';
import { BFD_PROFILE_NAME_MAX_LENGTH, BGP_TIMER_MAX_SECONDS, FRR_TOKEN_PATTERN, IFNAME_HINT, IFNAME_PATTERN, NAME_PATTERN, PASSWORD_MAX_LENGTH } from '../../api/s.js';
import { communityValue, isLargeCommunity } from './community.js';
import { tryParseIP } from '../../net/address.js';
import { formatPrefix, isNetwork, masked, tryParsePrefix } from '../../net/prefix.js';
import { FAMILIES, neighborId, neighborKey, type FrrConfig, type NeighborConfig, type RouterConfig, type BfdProfileConfig } from './model.js';

const LOG_LEVELS = new Set(['emergencies', 'alerts', 'critical', 'errors', 'warnings', 'notifications', 'informational', 'debugging']);

const HOSTNAME_RE = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
// The CRD patterns themselves (src/api/s.ts): one rule, so whatever the apiserver accepts the
// speaker can configure. Interface and VRF names are Linux device names (a VRF is a device).
const IFACE_RE = new RegExp(IFNAME_PATTERN);
const VRF_RE = IFACE_RE;
const PROFILE_RE = new RegExp(`(?=^.{1,${BFD_PROFILE_NAME_MAX_LENGTH}}$)${NAME_PATTERN}`);
// A password is one FRR WORD token: printable ASCII without spaces, at most 80 bytes (TCP-MD5).
const PASSWORD_RE = new RegExp(`(?=^.{1,${PASSWORD_MAX_LENGTH}}$)${FRR_TOKEN_PATTERN}`);

/**
 * Describes what is wrong with a string that would reach frr.conf, or undefined if it is fine.
 * Without `re`, the value's own parser (addresses, prefixes) says the rest.
 */
function describeBadString(value: unknown, re: RegExp | undefined, what: string): string | undefined {
  if (typeof value !== 'string') return `must be a string (${what})`;
  if (value === '') return `must not be empty (${what})`;
   
  if (/[\r\n]/.test(value)) return `contains a line break: FRR would read the rest as a new command (${what})`;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(value)) return `contains a control character (${what})`;
  if (/\s/.test(value)) return `contains whitespace: FRR would split it into several words (${what})`;
  if (re && !re.test(value)) return `is not ${what}`;
  return undefined;
}

/** What is wrong with a BGP password (say, one read from a Secret, which no schema checks). */
export function passwordProblem(value: string): string | undefined {
  return describeBadString(value, PASSWORD_RE, `a password (1-${PASSWORD_MAX_LENGTH} printable ASCII characters, no spaces)`);
}

function isInt(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

class Problems {
  readonly list: string[] = [];
  add(path: string, msg: string): void {
    this.list.push(`${path}: ${msg}`);
  }
  str(path: string, value: unknown, re: RegExp, what: string): void {
    const bad = describeBadString(value, re, what);
    if (bad) this.add(path, bad);
  }
  int(path: string, value: unknown, min: number, max: number): void {
    if (value !== undefined && !isInt(value, min, max)) this.add(path, `must be an integer from ${min} to ${max}`);
  }
  bool(path: string, value: unknown): void {
    if (value !== undefined && typeof value !== 'boolean') this.add(path, 'must be true or false');
  }
}

/** The prefix's canonical text, or undefined (with the problem added) when it is not one of `family`. */
function checkPrefix(p: Problems, path: string, value: unknown, family: string): string | undefined {
  const r = typeof value === 'string' ? tryParsePrefix(value) : undefined;
  // Well-formed prefixes (nearly all, and tens of thousands per render) skip the string checks.
  if (r?.ok && (r.prefix.family === 4) === (family === 'ipv4') && isNetwork(r.prefix)) return r.prefix.family === 4 ? (value as string) : formatPrefix(r.prefix);
  const bad = describeBadString(value, undefined, 'a prefix');
  if (bad || !r) {
    p.add(path, bad ?? 'is not a prefix');
    return undefined;
  }
  if (!r.ok) {
    p.add(path, r.kind === 'zone' || r.kind === 'mapped' ? r.error : 'is not a prefix');
    return undefined;
  }
  if ((r.prefix.family === 4) !== (family === 'ipv4')) {
    p.add(path, `is not an ${family} prefix`);
    return undefined;
  }
  p.add(path, `has host bits set (did you mean ${formatPrefix(masked(r.prefix))}?)`);
  return formatPrefix(r.prefix);
}

/** What is wrong with an address field, naming the refused kinds (IPv4-mapped, zone) as such. */
function addressProblem(value: string): string | undefined {
  const r = tryParseIP(value);
  if (r.ok) return undefined;
  return r.kind === 'syntax' ? 'is not an IP address' : r.error;
}

function checkNeighbor(p: Problems, path: string, n: NeighborConfig, r: RouterConfig, networks: Record<string, Set<string>>, profiles: Set<string>): void {
  if ((n.address === undefined) === (n.iface === undefined)) p.add(path, 'needs exactly one of address and iface');
  if (n.address !== undefined) {
    const bad = describeBadString(n.address, undefined, 'an IP address') ?? addressProblem(n.address);
    if (bad) p.add(`${path}.address`, bad);
  }
  if (n.iface !== undefined) p.str(`${path}.iface`, n.iface, IFACE_RE, `an interface name (${IFNAME_HINT})`);
  if (n.remoteAsn !== 'internal' && n.remoteAsn !== 'external' && !isInt(n.remoteAsn, 1, 4294967295)) {
    p.add(`${path}.remoteAsn`, 'must be an ASN (1-4294967295), "internal" or "external"');
  }
  p.int(`${path}.port`, n.port, 1, 65535);
  if (n.password !== undefined) {
    const bad = passwordProblem(n.password);
    if (bad) p.add(`${path}.password`, bad);
  }
  if (n.sourceAddress !== undefined) {
    const bad = describeBadString(n.sourceAddress, /^[A-Za-z0-9_.:@-]+$/, 'an IP address or interface name');
    if (bad) p.add(`${path}.sourceAddress`, bad);
    else {
      const ip = tryParseIP(n.sourceAddress);
      if (!ip.ok && ip.kind !== 'syntax') p.add(`${path}.sourceAddress`, ip.error);
      else if (!ip.ok && !IFACE_RE.test(n.sourceAddress)) p.add(`${path}.sourceAddress`, 'is neither an IP address nor an interface name');
    }
  }
  p.bool(`${path}.ebgpMultihop`, n.ebgpMultihop);
  p.bool(`${path}.disableConnectedCheck`, n.disableConnectedCheck);
  if (n.holdTime !== undefined && n.holdTime !== 0) p.int(`${path}.holdTime`, n.holdTime, 3, BGP_TIMER_MAX_SECONDS);
  p.int(`${path}.keepaliveTime`, n.keepaliveTime, 0, BGP_TIMER_MAX_SECONDS);
  if (isInt(n.holdTime, 3, BGP_TIMER_MAX_SECONDS) && isInt(n.keepaliveTime, 0, BGP_TIMER_MAX_SECONDS) && (n.keepaliveTime as number) > (n.holdTime as number)) {
    p.add(`${path}.keepaliveTime`, 'must not be longer than holdTime');
  }
  if (n.holdTime === 0 && n.keepaliveTime !== undefined && n.keepaliveTime !== 0) p.add(`${path}.keepaliveTime`, 'must be 0 when holdTime is 0 (no keepalives)');
  p.int(`${path}.connectTime`, n.connectTime, 1, 65535);
  p.bool(`${path}.bfdEnabled`, n.bfdEnabled);
  if (n.bfdProfile !== undefined) {
    p.str(`${path}.bfdProfile`, n.bfdProfile, PROFILE_RE, `a BFD profile name (a DNS-1123 name of at most ${BFD_PROFILE_NAME_MAX_LENGTH} characters)`);
    if (typeof n.bfdProfile === 'string' && PROFILE_RE.test(n.bfdProfile) && !profiles.has(n.bfdProfile)) {
      p.add(`${path}.bfdProfile`, `names BFD profile "${n.bfdProfile}", which is not in bfdProfiles`);
    }
  }
  p.bool(`${path}.gracefulRestart`, n.gracefulRestart);
  p.int(`${path}.localAsn`, n.localAsn, 1, 4294967295);
  if (n.localAsn !== undefined && n.localAsn === r.asn) p.add(`${path}.localAsn`, 'must differ from the router ASN');
  for (const f of Object.keys(n.families ?? {})) {
    if (f !== 'ipv4' && f !== 'ipv6') p.add(`${path}.families`, `unknown family "${f}"`);
  }
  for (const f of FAMILIES) {
    const fam = n.families?.[f];
    if (!fam) continue;
    const seen = new Set<string>();
    fam.advertisements.forEach((a, i) => {
      const ap = `${path}.families.${f}.advertisements[${i}]`;
      const canon = checkPrefix(p, `${ap}.prefix`, a.prefix, f);
      if (canon) {
        if (seen.has(canon)) p.add(`${ap}.prefix`, `${canon} is listed twice for this neighbor`);
        seen.add(canon);
        if (!networks[f]?.has(canon)) p.add(`${ap}.prefix`, `${canon} is advertised but not in the router's ${f} networks`);
      }
      p.int(`${ap}.localPref`, a.localPref, 0, 4294967295);
      (a.communities ?? []).forEach((c, j) => {
        const bad = describeBadString(c, /^[A-Za-z0-9:-]+$/, 'a community');
        if (bad) p.add(`${ap}.communities[${j}]`, bad);
        else if (communityValue(c) === undefined) p.add(`${ap}.communities[${j}]`, `"${c}" is not a community ("A:B" with 16-bit parts, or a well-known name such as no-export)`);
      });
      (a.largeCommunities ?? []).forEach((c, j) => {
        const bad = describeBadString(c, /^[0-9:]+$/, 'a large community');
        if (bad) p.add(`${ap}.largeCommunities[${j}]`, bad);
        else if (!isLargeCommunity(c)) p.add(`${ap}.largeCommunities[${j}]`, `"${c}" is not a large community ("A:B:C" with 32-bit parts)`);
      });
    });
  }
}

function checkProfile(p: Problems, path: string, b: BfdProfileConfig): void {
  p.str(`${path}.name`, b.name, PROFILE_RE, `a BFD profile name (a DNS-1123 name of at most ${BFD_PROFILE_NAME_MAX_LENGTH} characters)`);
  const [imin, imax] = BFD_LIMITS.interval;
  p.int(`${path}.receiveInterval`, b.receiveInterval, imin, imax);
  p.int(`${path}.transmitInterval`, b.transmitInterval, imin, imax);
  p.int(`${path}.detectMultiplier`, b.detectMultiplier, ...BFD_LIMITS.detectMultiplier);
  p.int(`${path}.echoInterval`, b.echoInterval, imin, imax);
  p.bool(`${path}.echoMode`, b.echoMode);
  p.bool(`${path}.passiveMode`, b.passiveMode);
  p.int(`${path}.minimumTtl`, b.minimumTtl, ...BFD_LIMITS.minimumTtl);
}

/** Every problem in the model, as "path: message" lines; empty when it can be rendered. */
export function findProblems(config: FrrConfig): string[] {
  const p = new Problems();
  if (config.hostname !== undefined) p.str('hostname', config.hostname, HOSTNAME_RE, 'a host name');
  if (!LOG_LEVELS.has(config.logLevel)) p.add('logLevel', `must be one of ${[...LOG_LEVELS].join(', ')}`);
  const profiles = new Set<string>();
  config.bfdProfiles.forEach((b, i) => {
    checkProfile(p, `bfdProfiles[${i}]`, b);
    if (profiles.has(b.name)) p.add(`bfdProfiles[${i}].name`, `"${b.name}" is defined twice`);
    profiles.add(b.name);
  });
  const vrfs = new Map<string, number>();
  const ids = new Map<string, string>();
  config.routers.forEach((r, i) => {
    const path = `routers[${i}]`;
    p.int(`${path}.asn`, r.asn, 1, 4294967295);
    if (r.asn === undefined) p.add(`${path}.asn`, 'is required');
    const vrf = r.vrf ?? '';
    if (vrf !== '') {
      p.str(`${path}.vrf`, vrf, VRF_RE, `a VRF name (${IFNAME_HINT})`);
      if (vrf === 'default') p.add(`${path}.vrf`, 'leave vrf empty for the default VRF');
    }
    if (vrfs.has(vrf)) p.add(`${path}.vrf`, `VRF "${vrf || 'default'}" already has router bgp ${vrfs.get(vrf)}; FRR runs one BGP instance per VRF`);
    vrfs.set(vrf, r.asn);
    if (r.routerId !== undefined) {
      const bad = describeBadString(r.routerId, undefined, 'an IPv4 router id');
      const id = bad ? undefined : tryParseIP(r.routerId);
      if (bad) p.add(`${path}.routerId`, bad);
      else if (!id?.ok) p.add(`${path}.routerId`, id?.kind === 'mapped' ? id.error : 'is not an IPv4 address');
      else if (id.ip.family !== 4) p.add(`${path}.routerId`, 'is not an IPv4 address');
    }
    const networks: Record<string, Set<string>> = {};
    for (const f of FAMILIES) {
      const set = new Set<string>();
      (r.networks?.[f] ?? []).forEach((n, j) => {
        const canon = checkPrefix(p, `${path}.networks.${f}[${j}]`, n, f);
        if (canon && set.has(canon)) p.add(`${path}.networks.${f}[${j}]`, `${canon} is listed twice`);
        if (canon) set.add(canon);
      });
      networks[f] = set;
    }
    const keys = new Set<string>();
    r.neighbors.forEach((n, j) => {
      const np = `${path}.neighbors[${j}]`;
      checkNeighbor(p, np, n, r, networks, profiles);
      const key = neighborKey(n);
      if (key && keys.has(key)) p.add(np, `neighbor ${key} is defined twice in this router`);
      keys.add(key);
      const id = neighborId(r, n);
      const other = ids.get(id);
      if (other !== undefined && other !== np) p.add(np, `policy names for this neighbor ("${id}-out") clash with ${other}`);
      ids.set(id, np);
    });
  });
  return p.list;
}

/** Throws a ValidationError listing every problem, so nothing partial is ever rendered. */
export function validateConfig(config: FrrConfig): void {
  const problems = findProblems(config);
  if (problems.length > 0) {
    throw new ValidationError(`invalid FRR configuration: ${problems.join('; ')}`, problems);
  }
}
