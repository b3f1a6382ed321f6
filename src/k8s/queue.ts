// A keyed, coalescing, level-triggered work queue: many events for one key become one reconcile;
// a key is never processed twice at once; a failed key is retried with backoff. The reconciler
// re-reads the current state itself, so what an event carried is irrelevant.
import { retryDelayMs } from './backoff.js';

export type Reconcile = (key: string) => Promise<void>;

export class WorkQueue {
  private readonly dirty = new Set<string>();
  private readonly running = new Set<string>();
  private readonly failures = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly reconcile: Reconcile,
    private readonly onError: (key: string, err: unknown, attempt: number) => void,
    /** Coalescing window: events within it are merged into one run. */
    private readonly debounceMs = 20,
    /** Keys reconciled at once (bounds the requests in flight after a resync of 10,000 keys). */
    private readonly maxConcurrent = 32,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.dirty.add(key);
    this.schedule(this.debounceMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Resolves when nothing is queued or running (tests and benchmarks use it). */
  idle(): Promise<void> {
    if (this.dirty.size === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(delay: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, delay);
  }

  private drain(): void {
    for (const key of [...this.dirty]) {
      if (this.running.size >= this.maxConcurrent) return; // resumed as runs finish
      if (this.running.has(key)) continue; // picked up again when the current run ends
      this.dirty.delete(key);
      this.running.add(key);
      void this.run(key);
    }
  }

  private async run(key: string): Promise<void> {
    try {
      await this.reconcile(key);
      this.failures.delete(key);
    } catch (err) {
      const attempt = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, attempt);
      this.onError(key, err, attempt);
      const delay = retryDelayMs(attempt, 100, 30_000);
      setTimeout(() => this.add(key), delay).unref();
    } finally {
      this.running.delete(key);
      if (this.dirty.size > 0) this.schedule(0);
      else if (this.running.size === 0) this.idleWaiters.splice(0).forEach((w) => w());
    }
  }
}
