// What the speaker reads from FRR outside the apply loop: bgpd's session table (the status poll)
// and the BGP/BFD series a scrape shows.
import type { Vtysh } from './frr/vtysh.js';
import type { Metrics } from '../metrics/registry.js';
import { parseNeighbors } from './sessions.js';
import type { SessionState } from './sessions.js';
import { bfdSeries, bgpSeries, parseBfdPeers } from './frr-metrics.js';
import type { Series } from './frr-metrics.js';
import { BFD_SESSION_METRICS, BGP_SESSION_METRICS } from '../metrics/catalog.js';
import type { MetricDef } from '../metrics/catalog.js';

const SHOW_NEIGHBORS = 'show bgp vrf all neighbors json';

/**
 * One show command on one daemon: from its socket (no vtysh process every 3 s), else from vtysh;
 * undefined while FRR does not answer (restarting): that poll is skipped, the apply loop reports FRR errors.
 */
async function show(vtysh: Vtysh, daemon: string, command: string): Promise<string | undefined> {
  if (vtysh.query) {
    try {
      return await vtysh.query(daemon, command);
    } catch {
      /* not on its socket: vtysh below */
    }
  }
  const r = await vtysh.run(['-c', command]);
  return r.code === 0 ? r.stdout : undefined;
}

/** FRR's sessions (bgpd's neighbor table), or undefined while it does not answer. */
export async function readSessions(vtysh: Vtysh): Promise<SessionState[] | undefined> {
  const json = await show(vtysh, 'bgpd', SHOW_NEIGHBORS);
  return json === undefined ? undefined : parseNeighbors(json);
}

/**
 * The metallb_bgp_* and metallb_bfd_* series, read from FRR at scrape time (upstream's collector
 * does the same with vtysh): a scrape shows FRR's counters as they are. While a daemon does not
 * answer, its series keep their last values rather than vanish (an alert on session_up == 0
 * must not be silenced by a restarting bgpd).
 */
export function collectFrr(vtysh: Vtysh, metrics: Metrics): () => Promise<void> {
  // Every family of the group is replaced, so a session FRR no longer has loses its series.
  const publish = (owner: string, families: readonly MetricDef[], series: Series[]): void => {
    for (const def of families) metrics.setSeries(def, owner, series.filter((s) => s.def === def));
  };
  return async () => {
    const [neighbors, peers, counters] = await Promise.all([
      show(vtysh, 'bgpd', SHOW_NEIGHBORS),
      show(vtysh, 'bfdd', 'show bfd peers json'),
      show(vtysh, 'bfdd', 'show bfd peers counters json'),
    ]);
    if (neighbors !== undefined) publish('frr-bgp', BGP_SESSION_METRICS, bgpSeries(parseNeighbors(neighbors)));
    if (peers !== undefined && counters !== undefined) publish('frr-bfd', BFD_SESSION_METRICS, bfdSeries(parseBfdPeers(peers, counters)));
  };
}
