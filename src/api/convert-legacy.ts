// Legacy `config` ConfigMap → equivalent metallb.io objects (pure). Each output object is checked
// with the CRD schema, so what `convert-configmap` prints is known to be accepted by kubectl.
import type { Obj } from './object.js';
import type { LegacyConfig, LegacySelector } from './legacy-config.js';
import { legacyConfigText, parseLegacyConfig } from './legacy-config.js';
import { describeProblems, validateObject } from './validate.js';
import { ValidationError } from '../util/errors.js';

const V1 = 'metallb.io/v1beta1';
const V2 = 'metallb.io/v1beta2';

function selector(s: LegacySelector): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s['match-labels']) out['matchLabels'] = s['match-labels'];
  if (s['match-expressions']) out['matchExpressions'] = s['match-expressions'];
  return out;
}

/** A DNS-1123 name for a peer: peer-<address> with separators made safe. */
function peerName(address: string, index: number, taken: Set<string>): string {
  let name = `peer-${address.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')}`;
  if (taken.has(name)) name = `${name}-${index}`;
  taken.add(name);
  return name;
}

const drop = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export function convertLegacyConfig(cfg: LegacyConfig, namespace: string): Obj[] {
  const meta = (name: string): Obj['metadata'] => ({ name, namespace });
  const out: Obj[] = [];
  const aliases = Object.entries(cfg['bgp-communities']).sort(([a], [b]) => a.localeCompare(b));
  if (aliases.length > 0) {
    out.push({ apiVersion: V1, kind: 'Community', metadata: meta('legacy-communities'), spec: { communities: aliases.map(([name, value]) => ({ name, value })) } });
  }
  for (const b of cfg['bfd-profiles']) {
    out.push({ apiVersion: V1, kind: 'BFDProfile', metadata: meta(b.name), spec: drop({
      receiveInterval: b['receive-interval'], transmitInterval: b['transmit-interval'], detectMultiplier: b['detect-multiplier'],
      echoInterval: b['echo-interval'], echoMode: b['echo-mode'], passiveMode: b['passive-mode'], minimumTtl: b['minimum-ttl'],
    }) });
  }
  const taken = new Set<string>();
  cfg.peers.forEach((p, i) => {
    out.push({ apiVersion: V2, kind: 'BGPPeer', metadata: meta(peerName(p['peer-address'], i, taken)), spec: drop({
      myASN: p['my-asn'], peerASN: p['peer-asn'], peerAddress: p['peer-address'], peerPort: p['peer-port'], holdTime: p['hold-time'],
      keepaliveTime: p['keepalive-time'], routerID: p['router-id'], sourceAddress: p['source-address'], password: p.password,
      bfdProfile: p['bfd-profile'], ebgpMultiHop: p['ebgp-multihop'], nodeSelectors: p['node-selectors']?.map(selector),
    }) });
  });
  for (const pool of cfg['address-pools']) {
    out.push({ apiVersion: V1, kind: 'IPAddressPool', metadata: meta(pool.name), spec: drop({ addresses: pool.addresses, autoAssign: pool['auto-assign'] ?? true, avoidBuggyIPs: pool['avoid-buggy-ips'] ?? false }) });
    if (pool.protocol === 'layer2') {
      out.push({ apiVersion: V1, kind: 'L2Advertisement', metadata: meta(pool.name), spec: { ipAddressPools: [pool.name] } });
      continue;
    }
    const advs = pool['bgp-advertisements'] ?? [];
    // A legacy bgp pool without advertisements announced each IP as a host route to every peer.
    (advs.length > 0 ? advs : [{}]).forEach((a, i) => {
      out.push({ apiVersion: V1, kind: 'BGPAdvertisement', metadata: meta(advs.length > 1 ? `${pool.name}-${i}` : pool.name), spec: drop({
        ipAddressPools: [pool.name], aggregationLength: a['aggregation-length'], aggregationLengthV6: a['aggregation-length-v6'],
        localPref: a.localpref, communities: a.communities,
      }) });
    });
  }
  const problems = out.flatMap((o) => {
    const v = validateObject(o);
    return v.problems.length > 0 ? [describeProblems(o, v.problems)] : [];
  });
  if (problems.length > 0) throw new ValidationError(`the legacy configuration converts to invalid objects:\n${problems.join('\n')}`, problems);
  return out;
}

/**
 * Replaces a legacy `config` ConfigMap among `objects` with its converted CRs (defaulted), so the
 * programs and the offline commands read one kind of configuration. Conversion problems are
 * returned, not thrown: the caller decides whether to stop (offline) or report and go on (speaker).
 */
export function expandLegacyConfigMaps(objects: readonly Obj[]): { objects: Obj[]; problems: string[] } {
  const out: Obj[] = [];
  const problems: string[] = [];
  for (const obj of objects) {
    const text = legacyConfigText(obj);
    if (text === undefined) {
      out.push(obj);
      continue;
    }
    try {
      const ns = obj.metadata?.namespace ?? 'metallb-system';
      out.push(...convertLegacyConfig(parseLegacyConfig(text, `ConfigMap ${ns}/config`), ns).map((o) => validateObject(o).defaulted));
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  return { objects: out, problems };
}
