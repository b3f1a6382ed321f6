// Applies a desired frr.conf to a running FRR with the smallest vtysh change, and proves the result:
//   1. read `show running-config` and, at the same time, check the whole desired file with
//      `vtysh -C` (syntax only, ≈50 ms): `vtysh -f` is not transactional, so a bad line must be
//      caught before anything is applied;
//   2. diff the two (owned contexts only);
//   3. apply the delta in ONE `vtysh -f` invocation;
//   4. read the running config again and fail, listing the leftover lines, if any difference remains.
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
  timingsMs: { read: number; check: number; apply: number; verify: number; total: number };
}

const SHOW_RUNNING = ['-c', 'show running-config'];

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

/** Checks a whole config file's syntax without applying anything (`vtysh -C`). */
export async function checkConfig(vtysh: Vtysh, text: string): Promise<void> {
  const r = await runWithFile(vtysh, ['-C'], text);
  if (r.code !== 0) throw new FrrApplyError(`FRR rejects the desired config (vtysh -C exit code ${r.code}); nothing was applied`, describe(r));
}

export async function applyConfig(vtysh: Vtysh, desiredText: string, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const t0 = performance.now();
  let checkMs = 0;
  const check = checkConfig(vtysh, desiredText).then(() => {
    checkMs = performance.now() - t0;
  });
  const reading = readRunning(vtysh);
  // Both vtysh runs are under way; parse the desired text meanwhile.
  const desired = parseConfig(desiredText);
  // Wait for both, so a failed check never leaves a read running unobserved; the check's error wins.
  const [read, checked] = await Promise.allSettled([reading, check]);
  if (checked.status === 'rejected') throw checked.reason;
  if (read.status === 'rejected') throw read.reason;
  const running = read.value;
  const tRead = performance.now();
  const delta = diffConfigs(running, desired);
  const script = formatDelta(delta);
  const timingsMs = { read: tRead - t0, check: checkMs, apply: 0, verify: 0, total: 0 };
  const done = (converged: boolean, changed: boolean): ApplyResult => {
    timingsMs.total = performance.now() - t0;
    return { converged, changed, delta: script, commands: delta.size, timingsMs };
  };
  if (delta.size === 0) {
    opts.log?.debug('already converged', { event: 'frr-apply', commands: 0 });
    return done(true, false);
  }
  if (opts.dryRun) return done(false, false);

  const tApply = performance.now();
  const applied = await runWithFile(vtysh, [], script);
  timingsMs.apply = performance.now() - tApply;
  const tVerify = performance.now();
  const after = diffConfigs(await readRunning(vtysh), desired);
  timingsMs.verify = performance.now() - tVerify;
  if (after.size > 0) {
    const leftover = redactSecrets(formatDelta(after));
    const said = applied.code !== 0 ? `\nvtysh -f exited ${applied.code}:\n${describe(applied)}` : '';
    opts.log?.error('not converged', { event: 'frr-apply', commands: delta.size, leftover: after.size });
    throw new FrrApplyError(`FRR did not converge: ${after.size} change(s) still pending after applying ${delta.size}`, `leftover:\n${leftover}${said}`);
  }
  if (applied.code !== 0) {
    // Converged anyway (e.g. a warning FRR reports as an error): say so, but do not fail.
    opts.log?.warn('vtysh reported errors but FRR converged', { event: 'frr-apply', code: applied.code, output: describe(applied) });
  }
  opts.log?.info('applied', { event: 'frr-apply', commands: delta.size, applyMs: Math.round(timingsMs.apply) });
  return done(true, true);
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
