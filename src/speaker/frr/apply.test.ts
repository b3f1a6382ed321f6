// The applier's control flow against a scripted vtysh (the real thing is exercised in test/frr/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ValidationError } from '../../util/errors.js';
import { applyAndShowArgs, applyConfig, applyModel, FrrApplyError } from './apply.js';
import { seedNodeModel } from '../../../test/helpers/seed-node-model.js';
import type { Vtysh, VtyshResult } from './vtysh.js';

interface FakeOptions {
  running: string[];
  checkCode?: number;
  applyCode?: number;
}

/** The script an apply call carries: the -f file, or the -c commands between `configure terminal` and `end`. */
function appliedScript(args: string[]): string | undefined {
  const f = args.indexOf('-f');
  if (f >= 0 && !args.includes('-C')) return readFileSync(args[f + 1] as string, 'utf8');
  const cmds = args.filter((_, i) => args[i - 1] === '-c');
  if (cmds[0] !== 'configure terminal') return undefined;
  return `${cmds.slice(1, cmds.indexOf('end')).join('\n')}\n`;
}

/**
 * Answers `show running-config` (alone, or after an apply's -c commands) from a queue, records
 * every call and every applied script, and never changes anything.
 */
function fakeVtysh(opts: FakeOptions): Vtysh & { calls: string[][]; applied: string[] } {
  const calls: string[][] = [];
  const applied: string[] = [];
  let reads = 0;
  const nextRunning = (): string => `Building configuration...\n\n${opts.running[Math.min(reads++, opts.running.length - 1)] as string}`;
  return {
    calls,
    applied,
    async run(args: string[]): Promise<VtyshResult> {
      calls.push(args);
      if (args.includes('-C')) return { code: opts.checkCode ?? 0, stdout: opts.checkCode ? 'line 3: % Unknown command' : '', stderr: '' };
      const script = appliedScript(args);
      if (script !== undefined) {
        applied.push(script);
        // Like vtysh -c: a failing command stops the run before `show running-config`.
        const code = opts.applyCode ?? 0;
        return { code, stdout: code === 0 ? nextRunning() : '', stderr: code === 0 ? '' : '% Unknown command' };
      }
      return { code: 0, stdout: nextRunning(), stderr: '' };
    },
  };
}

const kind = (c: string[]): string => (c.includes('-C') ? 'check' : c.includes('-f') || c.includes('configure terminal') ? 'apply' : 'read');

const desired = 'router bgp 1\n neighbor 1.1.1.1 remote-as 2\n neighbor 1.1.1.1 password s3cret\nexit\n';

test('already converged: one read, nothing checked or applied', async () => {
  const v = fakeVtysh({ running: [desired] });
  const r = await applyConfig(v, desired);
  assert.equal(r.converged, true);
  assert.equal(r.changed, false);
  assert.deepEqual(v.calls.map(kind), ['read']);
});

test('applies the delta and verifies it in one vtysh run after the read', async () => {
  const v = fakeVtysh({ running: ['', desired] });
  const r = await applyConfig(v, desired);
  assert.equal(r.converged, true);
  assert.equal(r.changed, true);
  assert.deepEqual(v.calls.map(kind), ['read', 'check', 'apply']);
  assert.deepEqual(v.applied, [r.delta]);
  // Only the delta is checked, not the whole file.
  assert.ok(v.calls[1]?.includes('-f'));
  assert.match(r.delta, /^router bgp 1\n neighbor 1.1.1.1 remote-as 2\n/);
  const last = v.calls[v.calls.length - 1] as string[];
  assert.deepEqual(last.slice(-4), ['-c', 'end', '-c', 'show running-config']);
});

test('a delta too large for argv goes through vtysh -f and a separate read', async () => {
  const big = `router bgp 1\n address-family ipv4 unicast\n${Array.from({ length: 40_000 }, (_, i) => `  network 10.${i >> 8}.${i & 255}.0/32`).join('\n')}\n exit-address-family\nexit\n`;
  assert.equal(applyAndShowArgs(big), undefined);
  const v = fakeVtysh({ running: ['', big] });
  const r = await applyConfig(v, big);
  assert.equal(r.converged, true);
  // Network lines only: no check; the file apply is verified by a separate read.
  assert.deepEqual(v.calls.map(kind), ['read', 'apply', 'read']);
  assert.ok((v.calls[1] as string[]).includes('-f'));
});

test('a delta vtysh -C rejects is never applied', async () => {
  const v = fakeVtysh({ running: [''], checkCode: 2 });
  await assert.rejects(applyConfig(v, desired), (err: Error) => err instanceof FrrApplyError && /nothing was applied/.test(err.message));
  assert.equal(v.calls.filter((c) => kind(c) === 'apply').length, 0);
});

test('a leftover difference after apply is an error listing it, with passwords redacted', async () => {
  const v = fakeVtysh({ running: [''], applyCode: 2 });
  await assert.rejects(applyConfig(v, desired), (err: Error) => {
    assert.ok(err instanceof FrrApplyError);
    assert.match(err.message, /did not converge/);
    assert.match(err.message, /neighbor 1.1.1.1 password <redacted>/);
    assert.doesNotMatch(err.message, /s3cret/);
    return true;
  });
});

test('dry run returns the delta and changes nothing', async () => {
  const v = fakeVtysh({ running: [''] });
  const r = await applyConfig(v, desired, { dryRun: true });
  assert.equal(r.changed, false);
  assert.equal(r.converged, false);
  assert.ok(r.commands > 0);
  assert.equal(v.calls.filter((c) => kind(c) === 'apply').length, 0);
});

test('an invalid model is rejected before vtysh is ever called', async () => {
  const v = fakeVtysh({ running: [''] });
  const m = seedNodeModel('192.168.133.71', [{ prefix: '192.168.155.150/32' }], { password: 'x\nrouter bgp 666' });
  await assert.rejects(applyModel(v, m), ValidationError);
  assert.equal(v.calls.length, 0);
});

test('from a remembered running config: no read; a stale one is retried from a fresh read', async () => {
  const fast = fakeVtysh({ running: [desired] });
  const known = (await applyConfig(fakeVtysh({ running: [''] }), desired, { dryRun: true })).running;
  const r = await applyConfig(fast, desired, { running: known });
  assert.equal(r.converged, true);
  assert.deepEqual(fast.calls.map(kind), ['check', 'apply']);
  // The remembered config is stale: the apply's read-back still differs, so the applier reads
  // afresh, and there finds FRR already converged (nothing more to apply).
  const stale = fakeVtysh({ running: ['router bgp 1\nexit\n', desired] });
  const again = await applyConfig(stale, desired, { running: known });
  assert.equal(again.converged, true);
  assert.deepEqual(stale.calls.map(kind), ['check', 'apply', 'read']);
});

test("a routine delta: read, then one apply run", async () => {
  const running = 'router bgp 1\n address-family ipv4 unicast\n  network 10.0.0.1/32\n exit-address-family\nexit\n';
  const wanted = 'router bgp 1\n address-family ipv4 unicast\n  network 10.0.0.1/32\n  network 10.0.0.2/32\n exit-address-family\nexit\n';
  const v = fakeVtysh({ running: [running, wanted] });
  const r = await applyConfig(v, wanted);
  assert.equal(r.converged, true);
  assert.deepEqual(v.calls.map(kind), ['read', 'apply']);
});
