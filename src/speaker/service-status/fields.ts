// (pure) The status fields a speaker publishes per Service, from its plans: ServiceL2Status from
// the layer 2 assignments this node answers, ServiceBGPStatus from the BGP announcements.
import type { L2Assignment } from '../announce/l2.js';
import type { Announcement } from '../announce/bgp.js';
import type { StatusFields } from './plan.js';

export function l2StatusFields(mine: readonly L2Assignment[]): Map<string, StatusFields> {
  const out = new Map<string, { ips: Set<string>; interfaces: Set<string>; all: boolean }>();
  for (const a of mine) {
    let e = out.get(a.service);
    if (!e) out.set(a.service, (e = { ips: new Set(), interfaces: new Set(), all: false }));
    e.ips.add(a.ip);
    if (a.interfaces.length === 0) e.all = true;
    for (const i of a.interfaces) e.interfaces.add(i);
  }
  return new Map(
    [...out].map(([service, e]): [string, StatusFields] => {
      const fields: StatusFields = { ips: [...e.ips].sort() };
      // As upstream: no interface list means every usable interface answers.
      if (!e.all && e.interfaces.size > 0) fields['interfaces'] = [...e.interfaces].sort().map((name) => ({ name }));
      return [service, fields];
    }),
  );
}

/** Per Service, the BGPPeers this node is configured to advertise any of its IPs to. */
export function bgpStatusFields(announcements: readonly Announcement[]): Map<string, StatusFields> {
  const peers = new Map<string, Set<string>>();
  for (const a of announcements) {
    let set = peers.get(a.service);
    if (!set) peers.set(a.service, (set = new Set()));
    for (const p of a.peers) set.add(p);
  }
  return new Map([...peers].map(([service, set]): [string, StatusFields] => [service, { peers: [...set].sort() }]));
}
