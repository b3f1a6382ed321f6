// Polling with a bound in time: tests wait for what the cluster or FRR converges to, never sleep
// a fixed "long enough".
import { sleep } from '../../src/lab/procs.js';

export async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
