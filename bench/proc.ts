// What the end-to-end benchmarks share besides statistics: a process's memory as the kernel counts
// it, and writes to the apiserver in bounded concurrent batches.
import { readFileSync } from 'node:fs';

/** VmRSS (resident now) or VmHWM (peak resident) of a process, in MB. */
export function procMemMB(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** f(from) … f(to - 1), at most `batch` at a time. */
export async function inBatches(from: number, to: number, f: (i: number) => Promise<unknown>, batch = 100): Promise<void> {
  for (let i = from; i < to; i += batch) await Promise.all(Array.from({ length: Math.min(batch, to - i) }, (_, k) => f(i + k)));
}
