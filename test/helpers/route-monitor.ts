// Watches a namespace's kernel routing table (`ip monitor route`) and timestamps each prefix as
// it appears, gains next hops or goes: what zebra installed after BGP, seen as it happens, with no
// polling of vtysh (which would load the machine it measures).
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface RouteEvent {
  at: number;
  prefix: string;
  nexthops: string[];
  deleted: boolean;
}

export class RouteMonitor {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly listeners = new Set<(e: RouteEvent) => void>();
  /** prefix → its next hops now (absent when no route). */
  readonly routes = new Map<string, string[]>();
  readonly ready: Promise<void>;

  constructor(ns: string) {
    this.child = spawn('ip', ['-n', ns, '-o', 'monitor', 'route'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const rl = createInterface({ input: this.child.stdout });
    rl.on('line', (line) => this.onLine(line));
    // `ip monitor` prints nothing when it starts: give it a moment to subscribe before callers act.
    this.ready = new Promise((r) => setTimeout(r, 300));
  }

  private onLine(line: string): void {
    const m = /^(Deleted )?([0-9a-f.:]+(?:\/\d+)?) (.*)$/.exec(line.trim());
    if (!m) return;
    const deleted = m[1] !== undefined;
    const prefix = m[2]!.includes('/') ? m[2]! : `${m[2]}/${m[2]!.includes(':') ? 128 : 32}`;
    const nexthops = [...m[3]!.matchAll(/via (?:inet6? )?([0-9a-f.:]+)/g)].map((x) => x[1]!).sort();
    if (!/proto (bgp|186)\b/.test(m[3]!)) return;
    if (deleted) this.routes.delete(prefix);
    else this.routes.set(prefix, nexthops);
    const e: RouteEvent = { at: performance.now(), prefix, nexthops, deleted };
    for (const l of this.listeners) l(e);
  }

  on(fn: (e: RouteEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Resolves with the time (performance.now) the first event matching `pred` arrives, or rejects after `timeoutMs`. */
  waitFor(pred: (e: RouteEvent) => boolean, timeoutMs: number, what: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const off = this.on((e) => {
        if (!pred(e)) return;
        clearTimeout(timer);
        off();
        resolve(e.at);
      });
    });
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}

export interface RouteGaps {
  /** The longest time the prefix had fewer next hops than expected (ms, rounded). */
  worstGapMs: number;
  /** All such time added up (ms, rounded). */
  totalGapMs: number;
  /** Every change of the prefix seen. */
  events: RouteEvent[];
}

/**
 * Watches PREFIX in a namespace's kernel table from now on: how long it lacked any of `expected`
 * (gone, or fewer next hops), and every change seen. `stop()` ends the watch and reports.
 */
export function watchRouteGaps(ns: string, prefix: string, expected: readonly string[]): { ready: Promise<void>; stop: () => RouteGaps } {
  const mon = new RouteMonitor(ns);
  const events: RouteEvent[] = [];
  let since: number | undefined;
  let worst = 0;
  let total = 0;
  const close = (at: number): void => {
    worst = Math.max(worst, at - since!);
    total += at - since!;
    since = undefined;
  };
  const off = mon.on((e) => {
    if (e.prefix !== prefix) return;
    events.push(e);
    const full = !e.deleted && expected.every((h) => e.nexthops.includes(h));
    if (!full && since === undefined) since = e.at;
    if (full && since !== undefined) close(e.at);
  });
  return {
    ready: mon.ready,
    stop: () => {
      off();
      mon.stop();
      if (since !== undefined) close(performance.now());
      return { worstGapMs: Math.round(worst), totalGapMs: Math.round(total), events };
    },
  };
}
