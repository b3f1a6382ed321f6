// Applies a desired frr.conf to a running FRR with the smallest vtysh change, and proves the result:
//   1. read `show running-config` (or start from the config the previous apply verified);
//   2. diff the two (owned contexts only);
//   3. check the delta with `vtysh -C` (syntax only): `vtysh -f`/`-c` are not transactional, so a
//      bad line must be caught before anything is applied. A delta of only routine lines (network
//      lines, prefix-list entries) whose values are proven valid skips it (routine.ts);
//   4. apply the delta in ONE vtysh invocation which, in the same run, prints the running config
//      afterwards (`-c 'configure terminal' -c LINE... -c end -c 'show running-config'`): one
//      process and one round of daemon connections fewer than a separate read, ≈ 25-30 ms;
//   5. fail, listing the leftover lines, if any difference remains.
// Only the delta is checked, never the whole file: a line already running is valid, and a bad one
// is not running, so it is in the delta. Checking the whole file beside the read cost ≈ 20 ms on
// two cores (two vtysh processes and the daemons compete) and ≈ 1 s of CPU for 20,000 lines.
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
import { onlyRoutineLines } from './routine.js';
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
   * skipped. When it is stale the apply is redone from a fresh read.
   */
  running?: ParsedConfig;
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

/**
 * FRR's running config: from the daemons' sockets when the Vtysh offers it (≈ 3 ms instead of a
 * ≈ 25 ms vtysh run), else, or if that fails, from `vtysh -c 'show running-config'`.
 */
async function readRunning(vtysh: Vtysh, log?: Logger): Promise<ParsedConfig> {
  if (vtysh.readConfigs) {
    try {
      // `end` between the parts closes any context one daemon left open before the next begins.
      return parseConfig((await vtysh.readConfigs()).join('\nend\n'));
    } catch (err) {
      log?.debug('reading the daemons directly failed; asking vtysh', { event: 'frr-read-fallback', error: String(err) });
    }
  }
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
  return applyFrom(vtysh, desired, { opts });
}

interface ApplyFrom {
  opts: ApplyOptions;
  /** The running config as last verified: no read. */
  known?: ParsedConfig;
}

async function applyFrom(vtysh: Vtysh, desired: ParsedConfig, from: ApplyFrom): Promise<ApplyResult> {
  const { opts } = from;
  const t0 = performance.now();
  const timingsMs = { read: 0, check: 0, apply: 0, verify: 0, total: 0 };
  const running = from.known ?? (await readRunning(vtysh, opts.log));
  if (!from.known) timingsMs.read = performance.now() - t0;
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
  if (!onlyRoutineLines(script)) {
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
  const afterRunning = shown >= 0 ? parseConfig(applied.stdout.slice(shown)) : await readRunning(vtysh, opts.log);
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
