// The speaker's session poll: reads bgpd's sessions, lets the apply loop see them (BFD held until
// a session is Established: bfd-gate.ts), re-registers BFD under an Established session whose BFD
// is down (bfd-watchdog.ts) and publishes BGPPeer status. Every intervalMs; every 250 ms while a
// BFD session waits for its BGP session, so that BFD protects a session within a moment of it
// coming up (a poll is one query on bgpd's socket).
import type { Vtysh } from './frr/vtysh.js';
import type { Logger } from '../util/log.js';
import type { Metrics } from '../metrics/registry.js';
import { M } from '../metrics/catalog.js';
import type { BgpLoop } from './bgp-loop.js';
import type { SpeakerStatus } from './speaker-status.js';
import { BfdWatchdog } from './bfd-watchdog.js';
import { readSessions } from './frr-reads.js';

export interface SessionPollDeps {
  vtysh: Vtysh;
  loop: BgpLoop;
  status: SpeakerStatus;
  metrics: Metrics;
  log: Logger;
  intervalMs: number;
  /** The legacy ConfigMap's problems as of the last snapshot (repeated in the log each poll). */
  legacyProblems: () => readonly string[];
}

export class SessionPoll {
  private readonly watchdog = new BfdWatchdog();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly d: SessionPollDeps) {}

  start(): void {
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (!this.running) return;
    const every = this.d.loop.heldBfd().length > 0 ? Math.min(250, this.d.intervalMs) : this.d.intervalMs;
    this.timer = setTimeout(() => {
      this.once()
        .catch((err: unknown) => this.d.log.warn('status poll failed', { event: 'status-error', error: String(err) }))
        .finally(() => this.schedule());
    }, every);
    this.timer.unref();
  }

  private async once(): Promise<void> {
    const { loop, vtysh, log, metrics } = this.d;
    const sessions = await readSessions(vtysh);
    loop.sessionsSeen(sessions);
    if (!sessions) return;
    for (const kick of this.watchdog.check(loop.lastPlan, sessions, Date.now())) {
      log.warn('BFD down under an Established session; re-registering it', { event: 'bfd-kick', neighbor: kick.neighbor });
      metrics.inc(M.bfdReregistrations, { peer: kick.neighbor });
      await vtysh.run(kick.commands.flatMap((c) => ['-c', c]));
    }
    await this.d.status.sessions(loop.lastPlan, sessions, new Date().toISOString());
    const legacy = this.d.legacyProblems();
    if (legacy.length > 0) log.warn('legacy config ConfigMap ignored', { event: 'legacy-config-error', problems: legacy });
  }
}
