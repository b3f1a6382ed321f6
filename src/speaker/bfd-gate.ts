// BFD waits for the BGP session it protects (pure). FRR 8.4's bgpd registers a neighbor's BFD
// session with the addresses it knows when `neighbor X bfd` is configured: after bgpd starts that
// is the peer address alone. On the first Established it learns the TCP source address and the
// interface, and re-registers: bfdd replaces the session with a new one that starts Down. If BFD
// was already Up (the router answers within ~1 s, usually before the BGP handshake ends), bgpd
// sees Up → Down and sends NOTIFICATION Cease/BFD Down, a hard reset that ends graceful restart:
// the router drops the node's routes until they are sent again (1–3 s measured after a speaker
// pod restart, and one needless session reset at every start).
//
// So a neighbor's BFD lines are held back until FRR reports that session Established at least
// once in this bgpd (`connectionsEstablished`, which starts at 0 with the neighbor): bgpd then
// registers BFD with its final addresses in one go, and keeps it through later session flaps
// (the addresses do not change, so there is no re-registration). The profiles stay configured.
import type { FrrConfig } from './frr/model.js';
import { neighborKey } from './frr/model.js';
import type { SessionState } from './sessions.js';

/** `vrf/neighbor`, as in the sessions FRR reports ('' is the default VRF). */
export const sessionKey = (vrf: string, neighbor: string): string => `${vrf}/${neighbor}`;

/** Sessions bgpd has brought to Established at least once: BFD for them may be configured. */
export function sessionsEverEstablished(sessions: readonly SessionState[]): Set<string> {
  return new Set(sessions.filter((s) => s.connectionsEstablished > 0 || s.state === 'Established').map((s) => sessionKey(s.vrf, s.neighbor)));
}

export interface GatedConfig {
  config: FrrConfig;
  /** Sessions whose BFD is held back, as `vrf/neighbor`. */
  held: string[];
  /** Every session the plan wants BFD on (held or not). */
  bfd: string[];
}

/** The config to apply now: `config` without BFD on the sessions not in `ready`. */
export function holdBfdUntilEstablished(config: FrrConfig, ready: ReadonlySet<string>): GatedConfig {
  const held: string[] = [];
  const bfd: string[] = [];
  const routers = config.routers.map((r) => {
    if (!r.neighbors.some((n) => n.bfdEnabled || n.bfdProfile !== undefined)) return r;
    const neighbors = r.neighbors.map((n) => {
      if (!n.bfdEnabled && n.bfdProfile === undefined) return n;
      const key = sessionKey(r.vrf ?? '', neighborKey(n));
      bfd.push(key);
      if (ready.has(key)) return n;
      held.push(key);
      const { bfdEnabled: _on, bfdProfile: _profile, ...rest } = n;
      return rest;
    });
    return { ...r, neighbors };
  });
  return { config: held.length === 0 ? config : { ...config, routers }, held, bfd };
}
