// Render + diff cost for a node announcing 10,000 Service IPs to one peer (each IP is a `network`
// line and a prefix-list entry; one in ten carries a local-preference, one in ten a community).
// Measures, per run: render the desired model, parse it and the "running" text (the previous render,
// which had 100 different IPs), and diff them. Prints JSON with medians; target: total <= 200 ms.
import { performance } from 'node:perf_hooks';
import { render } from '../src/speaker/frr/render.js';
import { parseConfig } from '../src/speaker/frr/parse.js';
import { diffConfigs, formatDelta } from '../src/speaker/frr/diff.js';
import { hostPrefixes, seedNodeModel } from '../test/helpers/seed-node-model.js';
import type { Advertisement } from '../src/speaker/frr/model.js';
import { median, round } from './stats.js';

const COUNT = 10_000;
const RUNS = Number(process.env['RUNS'] ?? 15);

/** Attributes depend on the IP itself (not its position), as they would on its Service. */
function advertisements(start: number): Advertisement[] {
  return hostPrefixes(COUNT, start).map((prefix, k) => {
    const i = start + k;
    return {
      prefix,
      ...(i % 10 === 0 ? { localPref: 100 + (i % 7) } : {}),
      ...(i % 10 === 5 ? { communities: [`64520:${i % 13}`] } : {}),
    };
  });
}

const desiredModel = seedNodeModel('192.168.133.71', advertisements(100));
const runningText = render(seedNodeModel('192.168.133.71', advertisements(0)));

const t = { render: [] as number[], parse: [] as number[], diff: [] as number[], total: [] as number[] };
let commands = 0;
let lines = 0;
for (let i = 0; i < RUNS + 2; i++) {
  const t0 = performance.now();
  const desiredText = render(desiredModel);
  const t1 = performance.now();
  const running = parseConfig(runningText);
  const desired = parseConfig(desiredText);
  const t2 = performance.now();
  const delta = diffConfigs(running, desired);
  const script = formatDelta(delta);
  const t3 = performance.now();
  if (i < 2) continue; // warm-up (JIT)
  t.render.push(t1 - t0);
  t.parse.push(t2 - t1);
  t.diff.push(t3 - t2);
  t.total.push(t3 - t0);
  commands = delta.size;
  lines = desiredText.split('\n').length;
  if (script.length === 0) throw new Error('expected a delta');
}

process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: 'frr-render',
      prefixes: COUNT,
      desiredLines: lines,
      deltaCommands: commands,
      runs: RUNS,
      medianMs: { render: round(median(t.render)), parseBoth: round(median(t.parse)), diff: round(median(t.diff)), total: round(median(t.total)) },
      targetMs: 200,
      meetsTarget: median(t.total) <= 200,
    },
    null,
    2,
  )}\n`,
);
