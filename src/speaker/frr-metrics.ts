// FRR's own session state and counters as upstream's metallb_bgp_* and metallb_bfd_* series
// (pure): one series per session FRR has, labelled with the peer's address (the interface name
// for an unnumbered session) and its VRF, "default" outside one, as upstream's FRR mode does.
import { M } from '../metrics/catalog.js';
import type { MetricDef } from '../metrics/catalog.js';
import type { SessionState } from './sessions.js';
import { scalarText } from '../util/scalar-text.js';

export interface Series {
  def: MetricDef;
  labels: Record<string, string>;
  value: number;
}

export interface BfdPeerState {
  peer: string;
  vrf: string;
  up: boolean;
  counters: { controlIn: number; controlOut: number; echoIn: number; echoOut: number; upEvents: number; downEvents: number; zebra: number };
}

const vrfLabel = (vrf: string): string => (vrf === '' ? 'default' : vrf);

export function bgpSeries(sessions: readonly SessionState[]): Series[] {
  return sessions.flatMap((s): Series[] => {
    const labels = { peer: s.neighbor, vrf: vrfLabel(s.vrf) };
    const m = s.messages;
    return [
      { def: M.bgpSessionUp, labels, value: s.state === 'Established' ? 1 : 0 },
      { def: M.bgpAnnounced, labels, value: s.prefixesSent },
      { def: M.bgpUpdatesSent, labels, value: m.updatesSent },
      { def: M.bgpUpdatesReceived, labels, value: m.updatesRecv },
      { def: M.bgpOpensSent, labels, value: m.opensSent },
      { def: M.bgpOpensReceived, labels, value: m.opensRecv },
      { def: M.bgpNotificationsSent, labels, value: m.notificationsSent },
      { def: M.bgpKeepalivesSent, labels, value: m.keepalivesSent },
      { def: M.bgpKeepalivesReceived, labels, value: m.keepalivesRecv },
      { def: M.bgpRouteRefreshSent, labels, value: m.routeRefreshSent },
      { def: M.bgpTotalSent, labels, value: m.totalSent },
      { def: M.bgpTotalReceived, labels, value: m.totalRecv },
    ];
  });
}

type Any = Record<string, unknown>;
const list = (json: string): Any[] => {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Any[]) : [];
  } catch {
    return [];
  }
};
const key = (p: Any): string => `${scalarText(p['vrf'], 'default')}\0${scalarText(p['peer'])}\0${scalarText(p['local'])}\0${scalarText(p['interface'])}`;

/** bfdd's `show bfd peers json` and `show bfd peers counters json`, joined per session. */
export function parseBfdPeers(peersJson: string, countersJson: string): BfdPeerState[] {
  const counters = new Map(list(countersJson).map((c) => [key(c), c]));
  return list(peersJson).map((p) => {
    const c = counters.get(key(p)) ?? {};
    const n = (k: string): number => Number(c[k] ?? 0) || 0;
    return {
      peer: scalarText(p['peer']),
      vrf: scalarText(p['vrf'], 'default'),
      up: p['status'] === 'up',
      counters: {
        controlIn: n('control-packet-input'),
        controlOut: n('control-packet-output'),
        echoIn: n('echo-packet-input'),
        echoOut: n('echo-packet-output'),
        upEvents: n('session-up'),
        downEvents: n('session-down'),
        zebra: n('zebra-notifications'),
      },
    };
  });
}

export function bfdSeries(peers: readonly BfdPeerState[]): Series[] {
  return peers.flatMap((p): Series[] => {
    const labels = { peer: p.peer, vrf: p.vrf || 'default' };
    const c = p.counters;
    return [
      { def: M.bfdSessionUp, labels, value: p.up ? 1 : 0 },
      { def: M.bfdControlIn, labels, value: c.controlIn },
      { def: M.bfdControlOut, labels, value: c.controlOut },
      { def: M.bfdEchoIn, labels, value: c.echoIn },
      { def: M.bfdEchoOut, labels, value: c.echoOut },
      { def: M.bfdUpEvents, labels, value: c.upEvents },
      { def: M.bfdDownEvents, labels, value: c.downEvents },
      { def: M.bfdZebraNotifications, labels, value: c.zebra },
    ];
  });
}
