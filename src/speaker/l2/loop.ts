// The speaker's layer 2 loop: any change (objects, live speakers) marks it dirty; within a few
// milliseconds the latest snapshot is planned with planL2, this node's share goes to the
// announcer, and what changed is reported. Planning is synchronous, so the answering state always
// matches the last plan; only the status writes are asynchronous.
import { planL2 } from '../announce/l2.js';
import type { L2Assignment } from '../announce/l2.js';
import type { Snapshot } from '../announce/snapshot.js';
import type { Announcer } from './announcer.js';
import type { Logger } from '../../util/log.js';

export interface L2LoopDeps {
  node: string;
  snapshot: () => Snapshot;
  live: () => Set<string>;
  announcer: Announcer;
  report: (mine: L2Assignment[], gained: string[]) => Promise<void>;
  log: Logger;
  debounceMs?: number;
  /** Periodic re-run: picks up interface changes and retries status writes. */
  resyncMs?: number;
}

export class L2Loop {
  private timer: NodeJS.Timeout | undefined;
  private resync: NodeJS.Timeout | undefined;
  private stopped = false;
  mine: L2Assignment[] = [];
  readonly stats = { runs: 0 };

  constructor(private readonly d: L2LoopDeps) {}

  start(): void {
    this.resync = setInterval(() => this.trigger(), this.d.resyncMs ?? 10_000);
    this.resync.unref();
    this.trigger();
  }

  trigger(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, this.d.debounceMs ?? 5);
  }

  /** Stops answering at once (every socket closed). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.resync) clearInterval(this.resync);
    this.d.announcer.close();
  }

  private run(): void {
    if (this.stopped) return;
    this.stats.runs++;
    try {
      const plan = planL2(this.d.snapshot(), this.d.live());
      this.mine = plan.assignments.filter((a) => a.node === this.d.node);
      const result = this.d.announcer.apply(this.mine.map((a) => ({ ip: a.ip, interfaces: a.interfaces })));
      const answered = this.mine.filter((a) => result.held.has(a.ip));
      void this.d.report(answered, result.gained).catch((err: unknown) => this.d.log.warn('layer 2 status failed', { event: 'l2-status-error', error: String(err) }));
    } catch (err) {
      this.d.log.error('layer 2 planning failed', { event: 'l2-error', error: String(err) });
    }
  }
}
