// What the end-to-end benchmarks share besides statistics: a process's memory and CPU time as the
// kernel counts them, and writes to the apiserver in bounded concurrent batches.
import { readFileSync } from 'node:fs';

/** VmRSS (resident now) or VmHWM (peak resident) of a process, in MB. */
export function procMemMB(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU time (user + system) a process has used so far, in seconds (/proc/PID/stat, clock ticks of 1/100 s). */
export function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** f(from) … f(to - 1), at most `batch` at a time. */
export async function inBatches(from: number, to: number, f: (i: number) => Promise<unknown>, batch = 100): Promise<void> {
  for (let i = from; i < to; i += batch) await Promise.all(Array.from({ length: Math.min(batch, to - i) }, (_, k) => f(i + k)));
}
