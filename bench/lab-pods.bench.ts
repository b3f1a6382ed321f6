// The pods lab (ADR 0012), RUNS times (default 3) in a lab of its own (METALLB_LAB_NAME=bench-pods):
// `lab up` from nothing (the images and binaries already built: what a warm `make lab` does) with
// where its time goes (control plane, nodes Ready, OLM, Subscription → CSV Succeeded, CSV → every
// speaker pod Ready), then, per run, a speaker pod deleted → a new pod Ready → its BGP session
// Established at the router, and how long the router's kernel route lacked that node (ip monitor).
// The cold numbers (a fresh machine: builds included) are `time make lab` on a fresh clone.
// Prints JSON; medians, never asserted.
import { performance } from 'node:perf_hooks';
import { LAB_NAME_ENV, readState } from '../src/lab/state.js';
import { labUp } from '../src/lab/up.js';
import { labDown } from '../src/lab/down.js';
import { sleep } from '../src/lab/procs.js';
import { main } from '../src/cli.js';
import { makeVtysh } from '../src/speaker/frr/vtysh.js';
import { showJson } from '../src/lab/netns.js';
import { watchRouteGaps } from '../test/helpers/route-monitor.js';
import { median, round } from './stats.js';

const RUNS = Number(process.env['RUNS'] ?? 3);
const say = (s: string): void => void process.stderr.write(`[lab-pods-bench] ${s}\n`);
process.env[LAB_NAME_ENV] ??= 'bench-pods';

async function kubectl(...args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await main(['lab', 'kubectl', ...args], { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  if (code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${err}`);
  return out;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(200)) {
    const v = await fn();
    if (v !== undefined) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Run {
  upMs: number;
  controlPlaneMs: number;
  nodesReadyMs: number;
  olmMs: number;
  subscriptionToCsvMs: number;
  csvToSpeakersReadyMs: number;
  podDeleteToPodReadyMs: number;
  podDeleteToEstablishedMs: number;
  msWithoutRoute: number;
}
const runs: Run[] = [];

await labDown(() => undefined);
for (let i = 0; i < RUNS; i++) {
  say(`run ${i + 1}/${RUNS}: lab up`);
  await labUp({ nodes: 2, say: () => undefined });
  const s = readState()!;
  const t = s.timings!;
  const router = makeVtysh({ socketDir: s.router!.socketDir });
  const node = s.nodes[0]!;
  const prefix = `${s.demoIP}/32`;
  const victim = (await kubectl('-n', 'metallb-system', 'get', 'pods', '-l', 'component=speaker', '--field-selector', `spec.nodeName=${node.name}`, '-o', 'jsonpath={.items[0].metadata.name}')).trim();
  const before = (await showJson<Record<string, { connectionsEstablished: number }>>(router, 'show bgp neighbors json'))[node.ip]!.connectionsEstablished;
  const watch = watchRouteGaps(s.router!.ns, prefix, [node.ip]);
  await watch.ready;
  const t0 = performance.now();
  await kubectl('-n', 'metallb-system', 'delete', 'pod', victim, '--wait=false');
  await until('a new speaker pod Ready', async () => {
    const out = await kubectl('-n', 'metallb-system', 'get', 'pods', '-l', 'component=speaker', '--field-selector', `spec.nodeName=${node.name}`, '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}');
    return out.split('\n').some((l) => !l.startsWith(victim) && l.endsWith(' True')) ? true : undefined;
  }, 180_000);
  const podReady = performance.now() - t0;
  await until('Established again', async () => {
    const n = (await showJson<Record<string, { bgpState: string; connectionsEstablished: number }>>(router, 'show bgp neighbors json'))[node.ip];
    return n?.bgpState === 'Established' && n.connectionsEstablished > before ? true : undefined;
  }, 120_000);
  const established = performance.now() - t0;
  await sleep(5000);
  const gap = watch.stop().totalGapMs;
  runs.push({
    upMs: t['ready']! - t['start']!, controlPlaneMs: t['controlPlane']! - t['start']!, nodesReadyMs: t['nodesReady']! - t['controlPlane']!, olmMs: t['olmReady']! - t['nodesReady']!,
    subscriptionToCsvMs: t['csvSucceeded']! - t['subscribed']!, csvToSpeakersReadyMs: t['speakersReady']! - t['csvSucceeded']!,
    podDeleteToPodReadyMs: round(podReady), podDeleteToEstablishedMs: round(established), msWithoutRoute: gap,
  });
  say(`run ${i + 1}: ${JSON.stringify(runs.at(-1))}`);
  await labDown(() => undefined);
}
const keys = Object.keys(runs[0]!) as (keyof Run)[];
console.log(JSON.stringify({
  bench: 'lab-pods', runs: RUNS, bgpPeer: 'seed 002 + enableGracefulRestart, BFD test-bfd-prof',
  median: Object.fromEntries(keys.map((k) => [k, round(median(runs.map((r) => r[k])))])),
  all: runs,
}, null, 2));
