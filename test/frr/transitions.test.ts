// The applier against one real FRR, between every ordered pair of quite different configs: each
// apply must converge (the applier re-reads and fails on any leftover) and frr-reload.py --test must
// agree nothing differs in the contexts we own. This is what finds FRR's print-back quirks.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import winston from 'winston';
import { applyConfig, applyModel } from '../../src/speaker/frr/apply.js';
import type { ParsedConfig } from '../../src/speaker/frr/parse.js';
import { render } from '../../src/speaker/frr/render.js';
import { hostPrefixes, seedNodeModel } from '../helpers/seed-node-model.js';
import type { FrrConfig } from '../../src/speaker/frr/model.js';
import { frrUnavailable, Lab, type FrrInstance } from '../../src/lab/netns.js';
import { reloadTestDiff } from './seed-lab.js';

const skip = frrUnavailable();

function variants(): Record<string, FrrConfig> {
  const base = seedNodeModel('192.168.133.71', [
    { prefix: '192.168.155.150/32' },
    { prefix: '192.168.155.151/32', localPref: 150, communities: ['65535:65281', '64520:100'], largeCommunities: ['64520:1:2'] },
  ]);
  const v: Record<string, FrrConfig> = { empty: { logLevel: 'informational', routers: [], bfdProfiles: [] }, base };
  {
    const m = structuredClone(base);
    Object.assign(m.routers[0]!.neighbors[0]!, { password: 'x!y', ebgpMultihop: true, connectTime: 5, gracefulRestart: true, localAsn: 64999, port: 1179, sourceAddress: '192.168.133.71', holdTime: 9, keepaliveTime: 3, bfdProfile: 'other' });
    m.bfdProfiles = [{ name: 'other', echoInterval: 70, minimumTtl: 200 }];
    v['all-fields'] = m;
  }
  {
    const m = structuredClone(base);
    delete m.routers[0]!.neighbors[0]!.bfdProfile;
    m.bfdProfiles = [];
    v['no-bfd'] = m;
  }
  {
    const m = structuredClone(base);
    const a = m.routers[0]!.neighbors[0]!.families.ipv4!.advertisements[1]!;
    Object.assign(a, { communities: ['no-advertise'], localPref: 200, largeCommunities: [] });
    m.bfdProfiles[0] = { ...m.bfdProfiles[0]!, detectMultiplier: 3, passiveMode: false };
    v['other-attrs'] = m;
  }
  {
    const m = structuredClone(base);
    m.routers.push({
      asn: 64520,
      vrf: 'red',
      neighbors: [
        { iface: 'eth9', remoteAsn: 'external', families: { ipv6: { advertisements: [{ prefix: '2001:db8::/64', communities: ['no-advertise'] }] } } },
        { address: 'fc00::1', remoteAsn: 'internal', bfdEnabled: true, families: { ipv6: { advertisements: [] } } },
      ],
      networks: { ipv4: [], ipv6: ['2001:db8::/64'] },
    });
    v.vrf = m;
  }
  {
    const m = structuredClone(base);
    m.routers[0]!.neighbors.unshift({ address: '192.168.133.5', remoteAsn: 64600, bfdEnabled: true, families: { ipv4: { advertisements: [{ prefix: '192.168.155.150/32' }] } } });
    v['two-peers'] = m;
  }
  {
    // An unnumbered (interface) peer beside the seed's, removed again by `no neighbor eth9`.
    const m = structuredClone(base);
    m.routers[0]!.neighbors.unshift({ iface: 'eth9', remoteAsn: 'external', bfdProfile: 'test-bfd-prof', families: { ipv4: { advertisements: [{ prefix: '192.168.155.151/32', largeCommunities: ['1:2:3'] }] }, ipv6: { advertisements: [] } } });
    v['iface-peer'] = m;
  }
  v['new-asn-many-prefixes'] = seedNodeModel('192.168.133.71', hostPrefixes(60).map((prefix, i) => ({ prefix, ...(i % 10 === 0 ? { localPref: 100 + (i % 3) } : {}) })));
  v['new-asn-many-prefixes'].routers[0]!.asn = 64530;
  return v;
}

/** A logger that keeps the `event` of every line, to see which path an apply took. */
function eventLogger(): { log: winston.Logger; events: string[] } {
  const events: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done): void {
      events.push(String((JSON.parse(chunk.toString()) as { event?: string }).event));
      done();
    },
  });
  return { log: winston.createLogger({ level: 'debug', format: winston.format.json(), transports: [new winston.transports.Stream({ stream: sink })] }), events };
}

/** Every ordered pair (a → b) at least once, as a walk over the names. */
function pairWalk(names: string[]): string[] {
  const walk = [names[0] as string];
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) walk.push(names[j] as string, names[i] as string);
    if (i + 1 < names.length) walk.push(names[i + 1] as string);
  }
  return walk;
}

describe('applier transitions on real FRR', { skip }, () => {
  let lab: Lab;
  let frr: FrrInstance;
  before(async () => {
    lab = new Lab('transitions');
    frr = await lab.startFrr(await lab.namespace('n1'));
  });
  after(() => lab?.destroySync());

  test('converges between every ordered pair of configs, and frr-reload.py agrees', async () => {
    const v = variants();
    const walk = pairWalk(Object.keys(v));
    const failures: string[] = [];
    for (let k = 0; k < walk.length; k++) {
      const name = walk[k] as string;
      try {
        const r = await applyModel(frr.vtysh, v[name] as FrrConfig);
        const left = await reloadTestDiff(frr, r.desired);
        if (left.length > 0) failures.push(`${walk[k - 1]} → ${name}: frr-reload.py --test lists ${left.join('; ')}`);
      } catch (err) {
        failures.push(`${walk[k - 1]} → ${name}: ${(err as Error).message}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  test('the same walk from the remembered running config: no read, delta checked, never a retry', async () => {
    const v = variants();
    const walk = pairWalk(Object.keys(v));
    const { log, events } = eventLogger();
    let running: ParsedConfig | undefined;
    const failures: string[] = [];
    for (let k = 0; k < walk.length; k++) {
      const name = walk[k] as string;
      const desired = render(v[name] as FrrConfig);
      try {
        const r = await applyConfig(frr.vtysh, desired, { log, ...(running ? { running } : {}) });
        running = r.running;
        if (k > 0 && r.changed) assert.equal(r.timingsMs.read, 0, `${name}: the fast path does not read`);
        const left = await reloadTestDiff(frr, desired);
        if (left.length > 0) failures.push(`${walk[k - 1]} → ${name}: frr-reload.py --test lists ${left.join('; ')}`);
      } catch (err) {
        failures.push(`${walk[k - 1]} → ${name}: ${(err as Error).message}`);
      }
    }
    assert.deepEqual(failures, []);
    assert.equal(events.filter((e) => e === 'frr-apply-retry').length, 0);
  });

  test('a stale remembered config (FRR changed behind our back) is detected and repaired', async () => {
    const v = variants();
    const { log, events } = eventLogger();
    const base = await applyConfig(frr.vtysh, render(v['base'] as FrrConfig), { log });
    // Someone removes our router by hand, as after an FRR restart that lost its config.
    const r = await frr.vtysh.run(['-c', 'configure terminal', '-c', 'no router bgp 64520', '-c', 'end']);
    assert.equal(r.code, 0, r.stderr);
    const desired = render(v['other-attrs'] as FrrConfig);
    const after = await applyConfig(frr.vtysh, desired, { log, running: base.running });
    assert.equal(after.converged, true);
    assert.ok(events.includes('frr-apply-retry'), `expected a retry from a fresh read, saw ${events.join(',')}`);
    assert.deepEqual(await reloadTestDiff(frr, desired), []);
  });
});
