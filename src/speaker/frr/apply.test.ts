// The applier's control flow against a scripted vtysh (the real thing is exercised in test/frr/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ValidationError } from '../../util/errors.js';
import { applyConfig, applyModel, FrrApplyError } from './apply.js';
import { seedNodeModel } from './fixtures.js';
import type { Vtysh, VtyshResult } from './vtysh.js';

interface FakeOptions {
  running: string[];
  checkCode?: number;
  applyCode?: number;
}

/** Answers `show running-config` from a queue, records every call, and never changes anything. */
function fakeVtysh(opts: FakeOptions): Vtysh & { calls: string[][]; files: string[] } {
  const calls: string[][] = [];
  const files: string[] = [];
  let reads = 0;
  return {
    calls,
    files,
    async run(args: string[]): Promise<VtyshResult> {
      calls.push(args);
      const f = args.indexOf('-f');
      if (f >= 0) files.push(readFileSync(args[f + 1] as string, 'utf8'));
      if (args.includes('-C')) return { code: opts.checkCode ?? 0, stdout: opts.checkCode ? 'line 3: % Unknown command' : '', stderr: '' };
      if (f >= 0) return { code: opts.applyCode ?? 0, stdout: '', stderr: '' };
      const text = opts.running[Math.min(reads, opts.running.length - 1)] as string;
      reads++;
      return { code: 0, stdout: text, stderr: '' };
    },
  };
}

const desired = 'router bgp 1\n neighbor 1.1.1.1 remote-as 2\n neighbor 1.1.1.1 password s3cret\nexit\n';

test('already converged: reads and checks, applies nothing', async () => {
  const v = fakeVtysh({ running: [desired] });
  const r = await applyConfig(v, desired);
  assert.equal(r.converged, true);
  assert.equal(r.changed, false);
  assert.deepEqual(v.calls.map((c) => c.includes('-C') ? 'check' : c.includes('-f') ? 'apply' : 'read').sort(), ['check', 'read']);
});

test('applies the delta in one vtysh -f run, then verifies', async () => {
  const v = fakeVtysh({ running: ['', desired] });
  const r = await applyConfig(v, desired);
  assert.equal(r.converged, true);
  assert.equal(r.changed, true);
  const applies = v.calls.filter((c) => c.includes('-f') && !c.includes('-C'));
  assert.equal(applies.length, 1);
  assert.equal(v.files[v.files.length - 1], r.delta);
  assert.match(r.delta, /^router bgp 1\n neighbor 1.1.1.1 remote-as 2\n/);
});

test('a file vtysh -C rejects is never applied', async () => {
  const v = fakeVtysh({ running: [''], checkCode: 2 });
  await assert.rejects(applyConfig(v, desired), (err: Error) => err instanceof FrrApplyError && /nothing was applied/.test(err.message));
  assert.equal(v.calls.filter((c) => c.includes('-f') && !c.includes('-C')).length, 0);
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
  assert.equal(v.calls.filter((c) => c.includes('-f') && !c.includes('-C')).length, 0);
});

test('an invalid model is rejected before vtysh is ever called', async () => {
  const v = fakeVtysh({ running: [''] });
  const m = seedNodeModel('192.168.133.71', [{ prefix: '192.168.155.150/32' }], { password: 'x\nrouter bgp 666' });
  await assert.rejects(applyModel(v, m), ValidationError);
  assert.equal(v.calls.length, 0);
});
