// Pure allocator throughput: 100,000 allocations in a /64 and in a /16 (avoidBuggyIPs on, so the
// .0/.255 skipping is included), allocations per second and heap growth; medians of RUNS runs.
// A /16 holds only 65,024 usable addresses, so there the oldest Service is released whenever the
// pool is full (churn), which also exercises release and interval merging.
// Target: >= 100,000 allocations/s, and memory that does not depend on the pool's size.
import { performance } from 'node:perf_hooks';
import { Allocator } from '../src/controller/ipam/allocator.js';
import { parseRange } from '../src/net/range.js';
import type { Family } from '../src/net/range.js';
import type { ServiceRequest } from '../src/controller/ipam/types.js';
import { median, round } from './stats.js';

const N = Number(process.env['ALLOCATIONS'] ?? 100_000);
const RUNS = Number(process.env['RUNS'] ?? 5);

function request(i: number, family: Family): ServiceRequest {
  return { key: `ns/svc-${i}`, namespace: 'ns', labels: {}, namespaceLabels: {}, families: [family], familyPolicy: 'SingleStack', requestedIPs: [], ports: [{ port: 80, protocol: 'TCP' }], externalTrafficPolicy: 'Cluster', backendKey: '' };
}

function run(cidr: string, family: Family): { perSecond: number; heapMB: number } {
  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const a = new Allocator([{ name: 'p', ranges: [parseRange(cidr)!], autoAssign: true, avoidBuggyIPs: true }]);
  const reqs = Array.from({ length: N }, (_, i) => request(i, family));
  const t0 = performance.now();
  let oldest = 0;
  for (const r of reqs) {
    let res = a.allocate(r);
    if (!res.ok) {
      a.release(reqs[oldest++]!.key);
      res = a.allocate(r);
    }
    if (!res.ok) throw new Error(`allocation failed: ${res.reason}`);
  }
  const ms = performance.now() - t0;
  globalThis.gc?.();
  const heapMB = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
  // keep the allocator alive past the measurement (V8 may otherwise collect it early)
  if (!a.usage('p')) throw new Error('pool vanished');
  return { perSecond: (N / ms) * 1000, heapMB };
}

const out: Record<string, unknown> = { benchmark: 'allocator', allocations: N, runs: RUNS, gcExposed: typeof globalThis.gc === 'function' };
for (const [label, cidr, fam] of [['ipv6 /64', '2001:db8::/64', 6], ['ipv4 /16', '10.0.0.0/16', 4]] as const) {
  const rs = Array.from({ length: RUNS }, () => run(cidr, fam));
  const heap = median(rs.map((r) => r.heapMB));
  // Live allocations: N in the /64; in the /16 at most its 65,024 usable addresses (churn).
  const live = fam === 6 ? N : Math.min(N, 65_024);
  out[label] = { allocationsPerSecond: Math.round(median(rs.map((r) => r.perSecond))), target: 100_000, heapGrowthMB: round(heap), bytesPerLiveAllocation: Math.round((heap * 2 ** 20) / live) };
}
process.stdout.write(`${JSON.stringify(out)}\n`);
