// BGP session state as FRR reports it (`show bgp vrf all neighbors json`), reduced to what the
// BGPPeer status and the metrics show (pure parsing).
import { scalarText } from '../util/scalar-text.js';

/** FRR's per-session message counters (its `messageStats`), 0 where FRR leaves one out. */
export interface MessageStats {
  opensSent: number;
  opensRecv: number;
  notificationsSent: number;
  updatesSent: number;
  updatesRecv: number;
  keepalivesSent: number;
  keepalivesRecv: number;
  routeRefreshSent: number;
  totalSent: number;
  totalRecv: number;
}
export interface SessionState {
  vrf: string;
  neighbor: string;
  state: string;
  bfdState: string;
  connectionsEstablished: number;
  prefixesSent: number;
  messages: MessageStats;
}

type Any = Record<string, unknown>;

/** Parses the JSON of `show bgp vrf all neighbors json`. */
export function parseNeighbors(json: string): SessionState[] {
  let doc: Any;
  try {
    doc = JSON.parse(json) as Any;
  } catch {
    return [];
  }
  const out: SessionState[] = [];
  for (const [vrfKey, vrfVal] of Object.entries(doc)) {
    if (!vrfVal || typeof vrfVal !== 'object') continue;
    const vrf = (vrfVal as Any)['vrfName'] === 'default' || vrfKey === 'default' ? '' : scalarText((vrfVal as Any)['vrfName'], vrfKey);
    for (const [k, v] of Object.entries(vrfVal as Any)) {
      if (!v || typeof v !== 'object' || !('bgpState' in (v as Any))) continue;
      const n = v as Any;
      const bfd = n['peerBfdInfo'] as Any | undefined;
      const afs = (n['addressFamilyInfo'] ?? {}) as Record<string, Any>;
      const stats = (n['messageStats'] ?? {}) as Any;
      const num = (k: string): number => Number(stats[k] ?? 0) || 0;
      const messages: MessageStats = {
        opensSent: num('opensSent'),
        opensRecv: num('opensRecv'),
        notificationsSent: num('notificationsSent'),
        updatesSent: num('updatesSent'),
        updatesRecv: num('updatesRecv'),
        keepalivesSent: num('keepalivesSent'),
        keepalivesRecv: num('keepalivesRecv'),
        routeRefreshSent: num('routeRefreshSent'),
        totalSent: num('totalSent'),
        totalRecv: num('totalRecv'),
      };
      const sent = Object.values(afs).reduce((acc, af) => acc + (Number(af['sentPrefixCounter'] ?? 0) || 0), 0);
      out.push({
        vrf,
        neighbor: k,
        state: String(n['bgpState']),
        bfdState: bfd ? scalarText(bfd['status']) : '',
        connectionsEstablished: Number(n['connectionsEstablished'] ?? 0) || 0,
        prefixesSent: sent,
        messages,
      });
    }
  }
  return out;
}
