// The applier against one real FRR, between every ordered pair of quite different configs: each
// apply must converge (the applier re-reads and fails on any leftover) and frr-reload.py --test must
// agree nothing differs in the contexts we own. This is what finds FRR's print-back quirks.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { applyModel } from '../../src/speaker/frr/apply.js';
import { hostPrefixes, seedNodeModel } from '../../src/speaker/frr/fixtures.js';
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
    const names = Object.keys(v);
    // A walk that takes every ordered pair (a → b) at least once.
    const walk = [names[0] as string];
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) walk.push(names[j] as string, names[i] as string);
      if (i + 1 < names.length) walk.push(names[i + 1] as string);
    }
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
});
