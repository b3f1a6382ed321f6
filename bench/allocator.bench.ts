// Pure allocator throughput and memory: 100,000 allocations in an IPv6 /64 and in an IPv4 /16
// (avoidBuggyIPs on, so .0/.255 skipping is included), plus a /28 as the small-pool reference.
// Reports allocations per second (wall clock, and per CPU second: the machine may be shared) and
// heap/RSS before and after, medians of RUNS runs (after one warm-up run).
// A /16 holds 65,024 usable addresses and a /28 14, so there the oldest Service is released
// whenever the pool is full (churn: release and interval merging are exercised too).
// Targets: >= 100,000 allocations/s, and memory per live allocation that does not depend on the
// pool's size (the free structure holds intervals, never one entry per address).
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Allocator } from '../src/controller/ipam/allocator.js';
import { parseRange } from '../src/net/range.js';
import type { Family } from '../src/net/address.js';
import type { ServiceRequest } from '../src/controller/ipam/types.js';
import { median, round } from './stats.js';

const N = Number(process.env['ALLOCATIONS'] ?? 100_000);
const RUNS = Number(process.env['RUNS'] ?? 3);
const MB = 2 ** 20;

// A real gc() (without needing --expose-gc on the command line) so heap numbers are live data.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function request(i: number, family: Family): ServiceRequest {
  return { key: `ns/svc-${i}`, namespace: 'ns', labels: {}, namespaceLabels: {}, families: [family], familyPolicy: 'SingleStack', requestedIPs: [], ports: [{ port: 80, protocol: 'TCP' }], externalTrafficPolicy: 'Cluster', backendKey: '' };
}

interface Run {
  perSecond: number;
  /** Per second of this process's CPU time (user + system, GC threads included): what the
   *  allocator costs, whatever else the machine is running. */
  perCpuSecond: number;
  heapBeforeMB: number;
  heapAfterMB: number;
  rssBeforeMB: number;
  rssAfterMB: number;
  live: number;
}

function run(cidr: string, family: Family): Run {
  const reqs = Array.from({ length: N }, (_, i) => request(i, family)); // inputs: made before measuring
  gc();
  const m0 = process.memoryUsage();
  const a = new Allocator([{ name: 'p', ranges: [parseRange(cidr)!], autoAssign: true, avoidBuggyIPs: true }]);
  let oldest = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const r of reqs) {
    let res = a.allocate(r);
    if (!res.ok) {
      a.release(reqs[oldest++]!.key);
      res = a.allocate(r);
    }
    if (!res.ok) throw new Error(`allocation failed: ${res.reason}`);
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  gc();
  const m1 = process.memoryUsage();
  const live = N - oldest;
  // keep the allocator alive past the measurement (V8 may otherwise collect it early)
  if (a.assignment(reqs[N - 1]!.key) === undefined) throw new Error('assignment vanished');
  return {
    perSecond: (N / ms) * 1000,
    perCpuSecond: (N / (cpu.user + cpu.system)) * 1e6,
    heapBeforeMB: m0.heapUsed / MB,
    heapAfterMB: m1.heapUsed / MB,
    rssBeforeMB: m0.rss / MB,
    rssAfterMB: m1.rss / MB,
    live,
  };
}

const out: Record<string, unknown> = { benchmark: 'allocator', allocations: N, runs: RUNS, target: { allocationsPerSecond: 100_000 }, loadAverage1m: round(loadavg()[0] ?? 0, 2) };
for (const [label, cidr, fam] of [['ipv6 /64', '2001:db8::/64', 6], ['ipv4 /16', '10.0.0.0/16', 4], ['ipv4 /28', '10.0.0.0/28', 4]] as const) {
  run(cidr, fam); // warm-up (JIT), not reported
  const rs = Array.from({ length: RUNS }, () => run(cidr, fam));
  const med = (f: (r: Run) => number): number => median(rs.map(f));
  const heapGrowth = med((r) => r.heapAfterMB - r.heapBeforeMB);
  const live = rs[0]!.live;
  out[label] = {
    allocationsPerSecond: Math.round(med((r) => r.perSecond)),
    allocationsPerCpuSecond: Math.round(med((r) => r.perCpuSecond)),
    liveAllocations: live,
    heapBeforeMB: round(med((r) => r.heapBeforeMB)),
    heapAfterMB: round(med((r) => r.heapAfterMB)),
    heapGrowthMB: round(heapGrowth),
    rssBeforeMB: round(med((r) => r.rssBeforeMB)),
    rssAfterMB: round(med((r) => r.rssAfterMB)),
    // Only meaningful with many live allocations (a /28 holds 14: its growth is noise).
    bytesPerLiveAllocation: live >= 1000 ? Math.round((heapGrowth * MB) / live) : null,
  };
}
process.stdout.write(`${JSON.stringify(out)}\n`);
