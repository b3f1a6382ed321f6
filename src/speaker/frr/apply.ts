// Applies a desired frr.conf to a running FRR with the smallest vtysh change, and proves the result:
//   1. read `show running-config` and, at the same time, check the whole desired file with
//      `vtysh -C` (syntax only, ≈50 ms): `vtysh -f` is not transactional, so a bad line must be
//      caught before anything is applied;
//   2. diff the two (owned contexts only);
//   3. apply the delta in ONE vtysh invocation which, in the same run, prints the running config
//      afterwards (`-c 'configure terminal' -c LINE... -c end -c 'show running-config'`): one
//      process and one round of daemon connections fewer than a separate read, ≈ 30-50 ms;
//   4. fail, listing the leftover lines, if any difference remains.
// A delta too large for the kernel's argv limits goes through `vtysh -f FILE` and a separate read.
// FRR is never restarted and no session is cleared: a change reaches only what it concerns.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetalLBError } from '../../util/errors.js';
import type { Logger } from '../../util/log.js';
import { diffConfigs, formatDelta, redactSecrets } from './diff.js';
import { parseConfig, type ParsedConfig } from './parse.js';
import type { FrrConfig } from './model.js';
import type { Vtysh, VtyshResult } from './vtysh.js';

/** FRR refused or did not converge to the desired config; `detail` holds what vtysh said. */
export class FrrApplyError extends MetalLBError {
  constructor(
    message: string,
    readonly detail: string = '',
    options?: { cause?: unknown },
  ) {
    super(detail ? `${message}\n${detail}` : message, options);
  }
}

export interface ApplyOptions {
  /** Compute and return the delta without changing FRR. */
  dryRun?: boolean;
  log?: Logger;
  /**
   * FRR's running config as the previous apply verified it (ApplyResult.running): the read is
   * skipped and only the delta is checked. When it is stale the apply is redone from a fresh read.
   */
  running?: ParsedConfig;
  /**
   * 'whole' (default): check the whole desired file alongside the read, the fastest one-off apply.
   * 'delta': check only a non-empty delta, after the read: the cheapest when most runs change
   * nothing, as the speaker's periodic resyncs (checking 20,000 lines costs ≈ 1 s of CPU).
   */
  check?: 'whole' | 'delta';
}

export interface ApplyResult {
  /** True when FRR's running config matches the desired one for our contexts. */
  converged: boolean;
  /** True when a delta was applied. */
  changed: boolean;
  /** The vtysh script (secrets included: do not log it; use redactSecrets). */
  delta: string;
  /** Commands in the delta. */
  commands: number;
  /** FRR's running config after the apply (as read back), for the next apply's `running`. */
  running: ParsedConfig;
  timingsMs: { read: number; check: number; apply: number; verify: number; total: number };
}

const SHOW_RUNNING = ['-c', 'show running-config'];
/** Linux caps one argv string at 128 KiB and all of argv + environment at ARG_MAX (≥ 2 MiB). */
const MAX_ARG_BYTES = 64 * 1024;
const MAX_ARGV_BYTES = 1024 * 1024;
const RUNNING_HEADER = 'Building configuration...';

/**
 * The `vtysh -c` arguments that apply `script` (a formatDelta script, whose explicit `exit` lines
 * make it valid interactively too) and then print the running config; undefined when it does not
 * fit in argv. In -c mode vtysh stops at the first failing command and exits non-zero.
 */
export function applyAndShowArgs(script: string): string[] | undefined {
  const lines = script.split('\n').filter((l) => l.trim() !== '');
  let bytes = 0;
  for (const l of lines) {
    if (l.length > MAX_ARG_BYTES) return undefined;
    bytes += l.length + 4; // "-c", two NULs, and the pointers' share, roughly
  }
  if (bytes > MAX_ARGV_BYTES) return undefined;
  return ['configure terminal', ...lines, 'end', 'show running-config'].flatMap((c) => ['-c', c]);
}

function describe(r: VtyshResult): string {
  return redactSecrets(`${r.stdout}${r.stderr}`.trim());
}

async function readRunning(vtysh: Vtysh): Promise<ParsedConfig> {
  const r = await vtysh.run(SHOW_RUNNING);
  if (r.code !== 0) throw new FrrApplyError(`vtysh show running-config failed with exit code ${r.code}`, describe(r));
  return parseConfig(r.stdout);
}

/**
 * Runs `vtysh ...args -f FILE` on `text` written to a private temporary file: vtysh cannot read
 * /dev/stdin when stdin is a socket (as Node's child pipes are), and a file works in any namespace.
 */
async function runWithFile(vtysh: Vtysh, args: string[], text: string): Promise<VtyshResult> {
  const dir = await mkdtemp(join(tmpdir(), 'metallb-frr-'));
  const file = join(dir, 'frr.conf');
  try {
    await writeFile(file, text, { mode: 0o600 });
    return await vtysh.run([...args, '-f', file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The lines a Service coming or going produces: `network` lines and prefix-list entries inside
 * their contexts. Their grammar is fixed by the renderer and proven against FRR (test/frr), and
 * their values passed the model validator, so `vtysh -C` on them (≈ 75 ms, most of a new
 * Service's path through the speaker) can only say yes. Anything else is checked.
 */
const ROUTINE_LINES = [
  /^(no )?network [0-9a-f.:]+\/\d{1,3}$/,
  /^(no )?(ip|ipv6) prefix-list \S+ seq \d{1,10} permit [0-9a-f.:]+\/\d{1,3}( le \d{1,3})?$/,
  /^router bgp \d{1,10}( vrf [A-Za-z0-9_.-]+)?$/,
  /^address-family ipv[46] unicast$/,
  /^exit(-address-family)?$/,
];

export function onlyRoutineLines(script: string): boolean {
  return script.split('\n').every((raw) => {
    const l = raw.trim();
    return l === '' || ROUTINE_LINES.some((re) => re.test(l));
  });
}

/** Checks a whole config file's syntax without applying anything (`vtysh -C`). */
export async function checkConfig(vtysh: Vtysh, text: string): Promise<void> {
  const r = await runWithFile(vtysh, ['-C'], text);
  if (r.code !== 0) throw new FrrApplyError(`FRR rejects the desired config (vtysh -C exit code ${r.code}); nothing was applied`, describe(r));
}

export async function applyConfig(vtysh: Vtysh, desiredText: string, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const desired = parseConfig(desiredText);
  if (opts.running && !opts.dryRun) {
    try {
      return await applyFrom(vtysh, desired, { known: opts.running, opts });
    } catch (err) {
      // The remembered config was stale (FRR restarted, someone used vtysh) or the delta failed:
      // start again from what FRR really runs, which also repairs a run that stopped half-way.
      opts.log?.info('fast apply failed; applying from a fresh read', { event: 'frr-apply-retry', error: err instanceof Error ? err.message.split('\n')[0] : String(err) });
    }
  }
  return applyFrom(vtysh, desired, opts.check === 'delta' ? { opts } : { desiredText, opts });
}

interface ApplyFrom {
  opts: ApplyOptions;
  /** The running config as last verified: no read, and only the delta is checked. */
  known?: ParsedConfig;
  /** The whole desired text, checked with `vtysh -C` while the running config is read; without it only the delta is checked. */
  desiredText?: string;
}

async function applyFrom(vtysh: Vtysh, desired: ParsedConfig, from: ApplyFrom): Promise<ApplyResult> {
  const { opts } = from;
  const t0 = performance.now();
  const timingsMs = { read: 0, check: 0, apply: 0, verify: 0, total: 0 };
  let running: ParsedConfig;
  if (from.known) {
    running = from.known;
  } else if (from.desiredText === undefined) {
    running = await readRunning(vtysh);
    timingsMs.read = performance.now() - t0;
  } else {
    const check = checkConfig(vtysh, from.desiredText).then(() => {
      timingsMs.check = performance.now() - t0;
    });
    // Wait for both, so a failed check never leaves a read running unobserved; the check's error wins.
    const [read, checked] = await Promise.allSettled([readRunning(vtysh), check]);
    if (checked.status === 'rejected') throw checked.reason;
    if (read.status === 'rejected') throw read.reason;
    running = read.value;
    timingsMs.read = performance.now() - t0;
  }
  const delta = diffConfigs(running, desired);
  const script = formatDelta(delta);
  const done = (converged: boolean, changed: boolean, now: ParsedConfig): ApplyResult => {
    timingsMs.total = performance.now() - t0;
    return { converged, changed, delta: script, commands: delta.size, running: now, timingsMs };
  };
  if (delta.size === 0) {
    opts.log?.debug('already converged', { event: 'frr-apply', commands: 0 });
    return done(true, false, running);
  }
  if (opts.dryRun) return done(false, false, running);
  if (from.desiredText === undefined && !onlyRoutineLines(script)) {
    const tCheck = performance.now();
    await checkConfig(vtysh, script);
    timingsMs.check = performance.now() - tCheck;
  }

  const tApply = performance.now();
  const args = applyAndShowArgs(script);
  const applied = args ? await vtysh.run(args) : await runWithFile(vtysh, [], script);
  timingsMs.apply = performance.now() - tApply;
  const tVerify = performance.now();
  // The combined run printed the config after its changes; anything else (a file apply, a run
  // stopped by an error) is verified by a fresh read.
  const shown = args && applied.code === 0 ? applied.stdout.lastIndexOf(RUNNING_HEADER) : -1;
  const afterRunning = shown >= 0 ? parseConfig(applied.stdout.slice(shown)) : await readRunning(vtysh);
  const after = diffConfigs(afterRunning, desired);
  timingsMs.verify = performance.now() - tVerify;
  if (after.size > 0) {
    const leftover = redactSecrets(formatDelta(after));
    const said = applied.code !== 0 ? `\nvtysh exited ${applied.code}:\n${describe(applied)}` : '';
    opts.log?.error('not converged', { event: 'frr-apply', commands: delta.size, leftover: after.size });
    throw new FrrApplyError(`FRR did not converge: ${after.size} change(s) still pending after applying ${delta.size}`, `leftover:\n${leftover}${said}`);
  }
  if (applied.code !== 0) {
    // Converged anyway (e.g. a warning FRR reports as an error): say so, but do not fail.
    opts.log?.warn('vtysh reported errors but FRR converged', { event: 'frr-apply', code: applied.code, output: describe(applied) });
  }
  opts.log?.info('applied', { event: 'frr-apply', commands: delta.size, applyMs: Math.round(timingsMs.apply) });
  return done(true, true, afterRunning);
}

/**
 * Validates and renders the model, then applies it. A model that fails validation throws a
 * ValidationError before vtysh is ever run, so FRR is left exactly as it was.
 */
export async function applyModel(vtysh: Vtysh, model: FrrConfig, opts: ApplyOptions = {}): Promise<ApplyResult & { desired: string }> {
  // Loaded on demand: `metallb frr-apply` applies files and never needs the renderer.
  const { render } = await import('./render.js');
  const desired = render(model);
  return { ...(await applyConfig(vtysh, desired, opts)), desired };
}
