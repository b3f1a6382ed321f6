// An ARP request storm against the layer 2 responder, with the addon's token bucket (the default)
// and without it (a limit no storm reaches), side by side in one run: two namespaces joined by a
// veth, the real InterfaceResponder answering every request for its IP in one, a flooding process
// (test/l2/packet-child.js) in the other. A 100 ms timer stands in for the Lease renewal: its
// longest gap is what a storm costs the speaker's liveness; the responder process's CPU is what
// answering every request would cost the node. Bounded: FLOOD frames or 8 s per run.
// Prints JSON.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { Lab } from '../src/lab/netns.js';
import { repoRoot } from '../src/util/repo-root.js';
import { silentLogger } from '../src/util/log.js';
import { Metrics } from '../src/metrics/registry.js';
import { M } from '../src/metrics/catalog.js';
import { packetIO } from '../src/speaker/l2/raw.js';
import type { PacketIO, PacketOptions } from '../src/speaker/l2/raw.js';
import { InterfaceResponder } from '../src/speaker/l2/responder.js';
import { sleep } from '../src/lab/procs.js';
import { median, percentile, round } from './stats.js';

const run = promisify(execFile);
const FLOOD = Number(process.env['FLOOD'] ?? 2_000_000);
const RUNS = Number(process.env['RUNS'] ?? 3);
const IP = '192.168.99.200'; // what the flood asks for (test/l2/packet-child.ts floodFrame)
const MODES: Record<string, PacketOptions> = { bucket: {}, unlimited: { rate: 1e9, burst: 1e9 } };

async function once(nsA: string, nsB: string, opts: PacketOptions): Promise<Record<string, number>> {
  const io = packetIO(nsA);
  const limited: PacketIO = { interfaces: () => io.interfaces(), open: (name, onFrame) => io.open(name, onFrame, opts) };
  const iface = io.interfaces().find((i) => i.name === 'eth0')!;
  const metrics = new Metrics('speaker');
  const r = new InterfaceResponder(limited, iface, silentLogger(), metrics);
  r.add(IP);
  await sleep(2000); // the takeover announcements are over
  const gaps: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 100);
  const start = performance.now();
  const cpu = process.cpuUsage();
  const { stdout } = await run(process.execPath, [join(repoRoot(), 'dist/test/l2/packet-child.js'), 'flood', nsB, String(FLOOD), '8000'], { timeout: 60_000 });
  await sleep(300);
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  clearInterval(timer);
  const replies = (await metrics.get(M.l2Responses, { ip: IP })) ?? 0;
  const dropped = r.drops().total;
  r.close();
  const sent = (JSON.parse(stdout.trim()) as { sent: number }).sent;
  return {
    sent,
    seconds: round(seconds, 2),
    replies,
    dropped,
    repliesPerSecond: round(replies / seconds),
    responderCpuPercent: round(((used.user + used.system) / 1e6 / seconds) * 100),
    timerMaxGapMs: round(Math.max(...gaps)),
    timerP99GapMs: round(percentile(gaps, 99)),
  };
}

const lab = new Lab('flood');
try {
  const nsA = await lab.namespace('fa');
  const nsB = await lab.namespace('fb');
  await lab.veth(nsA, 'eth0', nsB, 'eth0');
  const out: Record<string, unknown> = { flood: FLOOD, runs: RUNS };
  const samples: Record<string, Record<string, number>[]> = { bucket: [], unlimited: [] };
  // Interleaved, so both modes see the same machine noise.
  for (let i = 0; i < RUNS; i++) for (const [mode, opts] of Object.entries(MODES)) samples[mode]!.push(await once(nsA, nsB, opts));
  for (const [mode, list] of Object.entries(samples)) {
    const m: Record<string, number> = {};
    for (const k of Object.keys(list[0] ?? {})) m[k] = median(list.map((x) => x[k]!));
    out[mode] = { median: m, samples: list };
  }
  const med = (mode: string, k: string): number => (out[mode] as { median: Record<string, number> }).median[k]!;
  out['ratio'] = { cpu_unlimited_over_bucket: round(med('unlimited', 'responderCpuPercent') / med('bucket', 'responderCpuPercent'), 1), timerMaxGap_unlimited_over_bucket: round(med('unlimited', 'timerMaxGapMs') / med('bucket', 'timerMaxGapMs'), 2), replies_unlimited_over_bucket: round(med('unlimited', 'replies') / Math.max(1, med('bucket', 'replies')), 1) };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} finally {
  lab.destroySync();
}
