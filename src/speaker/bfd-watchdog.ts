// FRR 8.4 re-registers a neighbor's BFD session once bgpd learns the TCP source address; with a
// passive-mode profile the new session never sends, and the peer keeps talking to the old session's
// discriminator: BFD stays Down while BGP is Established (seen in the e2e test, ~1 run in 3). The
// watchdog re-registers such a neighbor's BFD (no bfd / bfd profile / bfd), which lets the new
// session learn the peer's discriminator. It never touches the BGP session itself, and backs off
// (10 s, 20 s, ... 5 min) so a peer that simply does not run BFD is not churned.
import type { SessionState } from './sessions.js';
import type { BGPPlan } from './announce/bgp.js';

export interface Kick {
  neighbor: string;
  commands: string[];
}

interface Track {
  since: number;
  nextKick: number;
  backoffMs: number;
}

export class BfdWatchdog {
  private readonly down = new Map<string, Track>();

  constructor(private readonly graceMs = 10_000) {}

  /** Neighbors to re-register now, given FRR's view and the plan in FRR (pure apart from its memory). */
  check(plan: BGPPlan | undefined, sessions: SessionState[], now: number): Kick[] {
    const kicks: Kick[] = [];
    const seen = new Set<string>();
    for (const router of plan?.config.routers ?? []) {
      for (const n of router.neighbors) {
        if (!n.bfdEnabled || n.address === undefined) continue;
        const s = sessions.find((x) => x.neighbor === n.address && x.vrf === (router.vrf ?? ''));
        const key = `${router.vrf ?? ''}/${n.address}`;
        if (!s || s.state !== 'Established' || s.bfdState.toLowerCase() === 'up') {
          this.down.delete(key);
          continue;
        }
        seen.add(key);
        const t = this.down.get(key) ?? { since: now, nextKick: now + this.graceMs, backoffMs: this.graceMs };
        this.down.set(key, t);
        if (now < t.nextKick) continue;
        t.backoffMs = Math.min(t.backoffMs * 2, 300_000);
        t.nextKick = now + t.backoffMs;
        const header = `router bgp ${router.asn}${router.vrf ? ` vrf ${router.vrf}` : ''}`;
        const bfd = n.bfdProfile ? [`neighbor ${n.address} bfd profile ${n.bfdProfile}`, `neighbor ${n.address} bfd`] : [`neighbor ${n.address} bfd`];
        kicks.push({ neighbor: n.address, commands: ['configure terminal', header, `no neighbor ${n.address} bfd`, ...bfd, 'end'] });
      }
    }
    for (const k of [...this.down.keys()]) if (!seen.has(k)) this.down.delete(k);
    return kicks;
  }
}
