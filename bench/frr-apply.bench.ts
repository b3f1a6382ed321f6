// Applying 1,000-prefix changes to one real FRR (in a private namespace), three ways, side by side:
//   metallb     the whole `node dist/src/cli.js frr-apply -f desired.conf` command: Node's start,
//               read || check, diff, one vtysh run that applies the delta and prints the result;
//   frr-reload  `/usr/lib/frr/frr-reload.py --reload desired.conf` (what upstream MetalLB uses);
//   handmade    one `vtysh -f` with exactly the `network` / `no network` lines, written by hand.
// Scenarios: add 1,000 `network` lines; delete 1,000; replace 500 of 1,000. Each run starts from the
// same state (set with our applier, untimed, then SETTLE_MS for bgpd to finish processing it: a
// command timed while bgpd still works through the previous change measured 50 or 90 ms at random)
// and is checked to end converged. Prints JSON: medians, and ratios against the targets (>= 20x
// faster than frr-reload for delete/replace, >= 3x for add, within 2x of the hand-made batch).
// Needs root and Debian's frr; RUNS (default 3) sets the runs.
//
// `metallb` runs in the environment of our images. This machine's environment sets
// NODE_EXTRA_CA_CERTS, which makes Node 20 parse a CA bundle before it runs any code (≈ 33 ms of a
// ≈ 20 ms start, measured with `node -e 0`); frr-apply never opens a TLS connection and the
// images do not set it. `metallbHostEnv` is the same command with this machine's environment, so
// the cost is shown, not hidden.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { applyConfig } from '../src/speaker/frr/apply.js';
import { hostPrefixes, seedNodeModel } from '../test/helpers/seed-node-model.js';
import { render } from '../src/speaker/frr/render.js';
import { repoRoot } from '../src/util/repo-root.js';
import { frrUnavailable, Lab } from '../src/lab/netns.js';
import { sleep } from '../src/lab/procs.js';
import { median, round } from './stats.js';

const run = promisify(execFile);
const RUNS = Number(process.env['RUNS'] ?? 3);
const COUNT = 1000;
const SETTLE_MS = 500;
const imageEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_EXTRA_CA_CERTS'));

/** A Service that stays in every state, so the peer's policy exists before and after. */
const STAYS = '10.255.255.1/32';

/** The node's config as the speaker renders it: `prefixes` (and STAYS) announced to the seed's peer. */
function desired(prefixes: string[]): string {
  return render(seedNodeModel('192.168.133.71', [STAYS, ...prefixes].map((prefix) => ({ prefix }))));
}

function handmade(remove: string[], add: string[]): string {
  const body = [...remove.map((p) => `  no network ${p}`), ...add.map((p) => `  network ${p}`)];
  return `router bgp 64520\n address-family ipv4 unicast\n${body.join('\n')}\n exit-address-family\nexit\n`;
}

async function main(): Promise<void> {
  const why = frrUnavailable();
  if (why) {
    process.stdout.write(`${JSON.stringify({ benchmark: 'frr-apply', skipped: why })}\n`);
    return;
  }
  const all = hostPrefixes(COUNT + COUNT / 2);
  const first = all.slice(0, COUNT);
  const shifted = all.slice(COUNT / 2);
  const scenarios = {
    add: { from: [] as string[], to: first, remove: [] as string[], add: first },
    delete: { from: first, to: [] as string[], remove: first, add: [] as string[] },
    replace: { from: first, to: shifted, remove: first.slice(0, COUNT / 2), add: all.slice(COUNT) },
  };
  const lab = new Lab('bench');
  try {
    const ns = await lab.namespace('n1');
    const frr = await lab.startFrr(ns);
    const dir = `/tmp/${lab.prefix}bench`;
    const cli = `${repoRoot()}/dist/src/cli.js`;
    const times: Record<string, Record<string, number[]>> = {};
    const unconverged: string[] = [];
    const methods: Record<string, (file: string, handFile: string) => Promise<unknown>> = {
      metallb: (file) => run('node', [cli, 'frr-apply', '-f', file, '--vty-socket', frr.socketDir], { env: imageEnv }),
      metallbHostEnv: (file) => run('node', [cli, 'frr-apply', '-f', file, '--vty-socket', frr.socketDir]),
      'frr-reload': (file) => run('/usr/lib/frr/frr-reload.py', ['--reload', '--stdout', '--log-level', 'error', '-N', ns, file], { maxBuffer: 64 << 20 }),
      handmade: (_file, handFile) => run('vtysh', ['--vty_socket', frr.socketDir, '-f', handFile]),
    };
    for (let r = 0; r < RUNS; r++) {
      for (const [name, sc] of Object.entries(scenarios)) {
        const from = desired(sc.from);
        const to = desired(sc.to);
        const file = `${dir}/${name}-to.conf`;
        const handFile = `${dir}/${name}-hand.conf`;
        writeFileSync(file, to);
        writeFileSync(handFile, handmade(sc.remove, sc.add));
        for (const [method, apply] of Object.entries(methods)) {
          await applyConfig(frr.vtysh, from); // same start state for everyone, untimed
          await sleep(SETTLE_MS);
          const t0 = performance.now();
          await apply(file, handFile);
          const ms = performance.now() - t0;
          const left = await applyConfig(frr.vtysh, to, { dryRun: true });
          if (left.commands > 0) unconverged.push(`${method}/${name}: ${left.commands} commands left`);
          ((times[name] ??= {})[method] ??= []).push(ms);
          process.stderr.write(`run ${r + 1}/${RUNS} ${name} ${method}: ${Math.round(ms)} ms\n`);
        }
      }
    }
    const results: Record<string, unknown> = {};
    const targets: Record<string, number> = { add: 3, delete: 20, replace: 20 };
    for (const [name, byMethod] of Object.entries(times)) {
      const m = Object.fromEntries(Object.entries(byMethod).map(([k, v]) => [k, median(v)]));
      const speedup = (m['frr-reload'] as number) / (m['metallb'] as number);
      const vsHand = (m['metallb'] as number) / (m['handmade'] as number);
      results[name] = {
        medianMs: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, round(v)])),
        runsMs: Object.fromEntries(Object.entries(byMethod).map(([k, v]) => [k, v.map(round)])),
        speedupVsFrrReload: round(speedup),
        targetSpeedup: targets[name],
        metallbOverHandmade: round(vsHand),
        metallbHostEnvOverHandmade: round((m['metallbHostEnv'] as number) / (m['handmade'] as number)),
        meetsTargets: speedup >= (targets[name] as number) && vsHand <= 2,
      };
    }
    process.stdout.write(`${JSON.stringify({ benchmark: 'frr-apply', prefixes: COUNT, runs: RUNS, settleMs: SETTLE_MS, results, unconverged }, null, 2)}\n`);
  } finally {
    lab.destroySync();
  }
}

await main();
