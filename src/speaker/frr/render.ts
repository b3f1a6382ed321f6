// Renders the model into frr.conf text, in the form FRR 8.4's `show running-config` prints back for
// the contexts we own (router bgp, prefix-lists, route-maps, nht, bfd), so that reading the running
// config after an apply gives no difference. Pure and deterministic: lists print in model order
// (see sortForFrr), per-line order and defaults follow what FRR prints:
//   - neighbor lines: remote-as, local-as, bfd, bfd profile, password, port, ebgp-multihop,
//     update-source, timers, timers connect, graceful-restart;
//   - `network` lines before `neighbor ... activate` in an address family;
//   - route-map entries: match, on-match next, set; well-known communities by name;
//   - bfd profile values equal to FRR's defaults are not printed (FRR omits them).
import { canonicalIP } from '../../net/address.js';
import { canonicalPrefix } from '../../net/prefix.js';
import { FAMILIES, neighborId, neighborKey, type BfdProfileConfig, type Family, type FrrConfig, type NeighborConfig, type RouterConfig } from './model.js';
import { inRouteMap, neighborPolicy, outRouteMap, type NeighborPolicy } from './policy.js';
import { validateConfig } from './model-check.js';

export const DEFAULT_KEEPALIVE = 30;
export const DEFAULT_HOLD = 90;
/** bfdd's defaults; FRR does not print a profile value equal to these. */
export const BFD_DEFAULTS = { detectMultiplier: 3, receiveInterval: 300, transmitInterval: 300, echoInterval: 50, minimumTtl: 254 } as const;

/** `timers K H`: both given, or derived the way MetalLB does (keepalive = hold / 3). */
export function neighborTimers(n: NeighborConfig): { keepalive: number; hold: number } {
  if (n.holdTime === undefined && n.keepaliveTime === undefined) return { keepalive: DEFAULT_KEEPALIVE, hold: DEFAULT_HOLD };
  const hold = n.holdTime ?? (n.keepaliveTime as number) * 3;
  const keepalive = n.keepaliveTime ?? Math.floor(hold / 3);
  return { keepalive, hold: Math.min(hold, 65535) };
}

function neighborLines(n: NeighborConfig): string[] {
  const key = neighborKey(n);
  const p = `neighbor ${key}`;
  const remote = typeof n.remoteAsn === 'number' ? String(n.remoteAsn) : n.remoteAsn;
  const out = [n.iface !== undefined ? `${p} interface remote-as ${remote}` : `${p} remote-as ${remote}`];
  if (n.localAsn !== undefined) out.push(`${p} local-as ${n.localAsn}`);
  if (n.bfdEnabled || n.bfdProfile !== undefined) out.push(`${p} bfd`);
  if (n.bfdProfile !== undefined) out.push(`${p} bfd profile ${n.bfdProfile}`);
  if (n.password !== undefined) out.push(`${p} password ${n.password}`);
  if (n.port !== undefined) out.push(`${p} port ${n.port}`);
  if (n.ebgpMultihop) out.push(`${p} ebgp-multihop 255`);
  if (n.disableConnectedCheck) out.push(`${p} disable-connected-check`);
  if (n.sourceAddress !== undefined) out.push(`${p} update-source ${canonicalIP(n.sourceAddress) ?? n.sourceAddress}`);
  const t = neighborTimers(n);
  out.push(`${p} timers ${t.keepalive} ${t.hold}`);
  if (n.connectTime !== undefined) out.push(`${p} timers connect ${n.connectTime}`);
  if (n.gracefulRestart) out.push(`${p} graceful-restart`);
  return out;
}

function addressFamily(r: RouterConfig, family: Family, out: string[]): void {
  const networks = r.networks[family];
  const neighbors = r.neighbors.filter((n) => n.families[family] !== undefined);
  if (networks.length === 0 && neighbors.length === 0) return;
  out.push(' !', ` address-family ${family} unicast`);
  for (const net of networks) out.push(`  network ${canonicalPrefix(net) ?? net}`);
  for (const n of neighbors) {
    const key = neighborKey(n);
    const id = neighborId(r, n);
    out.push(`  neighbor ${key} activate`, `  neighbor ${key} route-map ${inRouteMap(id)} in`, `  neighbor ${key} route-map ${outRouteMap(id)} out`);
  }
  out.push(' exit-address-family');
}

function routerBlock(r: RouterConfig, out: string[]): void {
  out.push(r.vrf ? `router bgp ${r.asn} vrf ${r.vrf}` : `router bgp ${r.asn}`);
  if (r.routerId !== undefined) out.push(` bgp router-id ${r.routerId}`);
  out.push(' no bgp ebgp-requires-policy', ' no bgp default ipv4-unicast');
  // Graceful restart: the F bit too, or the helper deletes its stale routes the moment the
  // restarted speaker's OPEN arrives instead of when its End-of-RIB does (RFC 4724 4.2); the
  // kernel routes and kube-proxy forward on while FRR restarts. FRR prints it here.
  if (r.neighbors.some((n) => n.gracefulRestart)) out.push(' bgp graceful-restart preserve-fw-state');
  out.push(' no bgp network import-check');
  for (const n of r.neighbors) for (const l of neighborLines(n)) out.push(` ${l}`);
  for (const f of FAMILIES) addressFamily(r, f, out);
  out.push('exit', '!');
}

function policyBlocks(policies: NeighborPolicy[], out: string[]): void {
  for (const family of FAMILIES) {
    const kw = family === 'ipv4' ? 'ip' : 'ipv6';
    let any = false;
    for (const p of policies) {
      for (const list of p.prefixLists) {
        if (list.family !== family) continue;
        for (const e of list.entries) out.push(`${kw} prefix-list ${e.name} seq ${e.seq} permit ${e.match}`);
        any = true;
      }
    }
    if (any) out.push('!');
  }
  for (const p of policies) {
    for (const e of p.routeMaps) {
      out.push(`route-map ${e.name} ${e.action} ${e.seq}`);
      if (e.match) out.push(` match ${e.match.family === 'ipv4' ? 'ip' : 'ipv6'} address prefix-list ${e.match.prefixList}`);
      if (e.onMatchNext) out.push(' on-match next');
      if (e.set) out.push(` set ${e.set}`);
      out.push('exit', '!');
    }
  }
}

export function bfdProfileLines(b: BfdProfileConfig): string[] {
  const out: string[] = [];
  const d = BFD_DEFAULTS;
  if (b.detectMultiplier !== undefined && b.detectMultiplier !== d.detectMultiplier) out.push(`detect-multiplier ${b.detectMultiplier}`);
  if (b.transmitInterval !== undefined && b.transmitInterval !== d.transmitInterval) out.push(`transmit-interval ${b.transmitInterval}`);
  if (b.receiveInterval !== undefined && b.receiveInterval !== d.receiveInterval) out.push(`receive-interval ${b.receiveInterval}`);
  if (b.passiveMode) out.push('passive-mode');
  if (b.echoMode) out.push('echo-mode');
  if (b.echoInterval !== undefined && b.echoInterval !== d.echoInterval) {
    // FRR 8.4 stores `echo-interval N` as both echo intervals and prints those two lines.
    out.push(`echo transmit-interval ${b.echoInterval}`, `echo receive-interval ${b.echoInterval}`);
  }
  if (b.minimumTtl !== undefined && b.minimumTtl !== d.minimumTtl) out.push(`minimum-ttl ${b.minimumTtl}`);
  return out;
}

function logLine(config: FrrConfig): string {
  // FRR prints `log stdout` alone for its default level.
  return config.logLevel === 'debugging' ? 'log stdout' : `log stdout ${config.logLevel}`;
}

/** The frr.conf text for a model that is already valid (see validateConfig). */
export function renderUnchecked(config: FrrConfig): string {
  const out: string[] = ['frr defaults traditional'];
  if (config.hostname !== undefined) out.push(`hostname ${config.hostname}`);
  out.push(logLine(config), '!');
  const policies: NeighborPolicy[] = [];
  for (const r of config.routers) {
    routerBlock(r, out);
    const networks = { ipv4: r.networks.ipv4.map((p) => canonicalPrefix(p) ?? p), ipv6: r.networks.ipv6.map((p) => canonicalPrefix(p) ?? p) };
    for (const n of r.neighbors) policies.push(neighborPolicy(neighborId(r, n), n, networks));
  }
  policyBlocks(policies, out);
  out.push('ip nht resolve-via-default', '!', 'ipv6 nht resolve-via-default', '!');
  if (config.bfdProfiles.length > 0) {
    out.push('bfd');
    for (const b of config.bfdProfiles) {
      out.push(` profile ${b.name}`);
      for (const l of bfdProfileLines(b)) out.push(`  ${l}`);
      out.push(' exit', ' !');
    }
    out.push('exit', '!');
  }
  out.push('end');
  return `${out.join('\n')}\n`;
}

/** Validates the model (throws ValidationError listing every problem), then renders it. */
export function render(config: FrrConfig): string {
  validateConfig(config);
  return renderUnchecked(config);
}
