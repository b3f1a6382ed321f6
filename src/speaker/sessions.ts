// BGP and BFD session state as FRR reports it (`show bgp vrf all neighbors json`), reduced to what
// the BGPPeer status and the metrics show (pure parsing).
export interface SessionState {
  vrf: string;
  neighbor: string;
  state: string;
  bfdState: string;
  connectionsEstablished: number;
  prefixesSent: number;
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
    const vrf = (vrfVal as Any)['vrfName'] === 'default' || vrfKey === 'default' ? '' : String((vrfVal as Any)['vrfName'] ?? vrfKey);
    for (const [k, v] of Object.entries(vrfVal as Any)) {
      if (!v || typeof v !== 'object' || !('bgpState' in (v as Any))) continue;
      const n = v as Any;
      const bfd = n['peerBfdInfo'] as Any | undefined;
      const afs = (n['addressFamilyInfo'] ?? {}) as Record<string, Any>;
      const sent = Object.values(afs).reduce((acc, af) => acc + (Number(af['sentPrefixCounter'] ?? 0) || 0), 0);
      out.push({
        vrf,
        neighbor: k,
        state: String(n['bgpState']),
        bfdState: bfd ? String(bfd['status'] ?? '') : '',
        connectionsEstablished: Number(n['connectionsEstablished'] ?? 0) || 0,
        prefixesSent: sent,
      });
    }
  }
  return out;
}
