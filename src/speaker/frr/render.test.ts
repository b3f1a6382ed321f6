import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertGolden } from '../../../test/helpers/golden.js';
import { render } from './render.js';
import { sortForFrr, type FrrConfig } from './model.js';
import { seedNodeModel, SEED_BFD_PROFILE } from '../../../test/helpers/seed-node-model.js';
import { parseConfig } from './parse.js';
import { diffConfigs } from './diff.js';

const seed = seedNodeModel('192.168.133.71', [{ prefix: '192.168.155.150/32' }]);

const allFields: FrrConfig = {
  hostname: 'worker-0.lab.local',
  logLevel: 'debugging',
  routers: [
    {
      asn: 64520,
      routerId: '10.0.0.7',
      neighbors: [
        {
          address: '192.168.133.1',
          remoteAsn: 64521,
          port: 1179,
          password: 'p@ss!w0rd#"x',
          sourceAddress: '192.168.133.71',
          ebgpMultihop: true,
          holdTime: 9,
          keepaliveTime: 3,
          connectTime: 5,
          bfdEnabled: true,
          bfdProfile: 'fast',
          gracefulRestart: true,
          localAsn: 64999,
          families: {
            ipv4: {
              advertisements: [
                { prefix: '192.168.155.150/32', localPref: 150, communities: ['65535:65281', '64520:100', 'no-advertise'], largeCommunities: ['64520:1:2', '64520:0:7'] },
                { prefix: '192.168.155.151/32', localPref: 50 },
                { prefix: '192.168.155.152/31', communities: ['64520:100'] },
              ],
            },
          },
        },
      ],
      networks: { ipv4: ['192.168.155.150/32', '192.168.155.151/32', '192.168.155.152/31'], ipv6: [] },
    },
  ],
  bfdProfiles: [
    { name: 'fast', receiveInterval: 100, transmitInterval: 120, detectMultiplier: 5, echoInterval: 40, echoMode: true, passiveMode: true, minimumTtl: 250 },
    // Every value equal to bfdd's default: FRR prints an empty profile, so do we.
    { name: 'defaults', receiveInterval: 300, transmitInterval: 300, detectMultiplier: 3, echoInterval: 50, echoMode: false, passiveMode: false, minimumTtl: 254 },
  ],
};

const ipv6: FrrConfig = {
  logLevel: 'warnings',
  routers: [
    {
      asn: 64520,
      neighbors: [
        {
          address: 'FC00:0133:0000:0000:0000:0000:0000:0001',
          remoteAsn: 'external',
          // What the planner sets for single-hop IPv6 eBGP.
          disableConnectedCheck: true,
          bfdEnabled: true,
          holdTime: 30,
          families: { ipv6: { advertisements: [{ prefix: '2001:db8:155::10/128', communities: ['64520:6'] }, { prefix: '2001:db8:156::/64' }] } },
        },
      ],
      networks: { ipv4: [], ipv6: ['2001:db8:155::10/128', '2001:db8:156::/64'] },
    },
  ],
  bfdProfiles: [],
};

const dualStack: FrrConfig = {
  logLevel: 'informational',
  routers: [
    {
      asn: 64520,
      routerId: '192.168.133.71',
      neighbors: [
        { address: '192.168.133.1', remoteAsn: 64521, families: { ipv4: { advertisements: [{ prefix: '192.168.155.150/32' }] }, ipv6: { advertisements: [{ prefix: '2001:db8:155::10/128' }] } } },
        { address: 'fc00:133::1', remoteAsn: 64521, keepaliveTime: 10, families: { ipv4: { advertisements: [] }, ipv6: { advertisements: [{ prefix: '2001:db8:155::10/128', localPref: 10 }] } } },
      ],
      networks: { ipv4: ['192.168.155.150/32'], ipv6: ['2001:db8:155::10/128'] },
    },
  ],
  bfdProfiles: [],
};

const vrf: FrrConfig = {
  logLevel: 'informational',
  routers: [
    { asn: 64520, neighbors: [{ address: '192.168.133.1', remoteAsn: 64521, families: { ipv4: { advertisements: [{ prefix: '192.168.155.150/32' }] } } }], networks: { ipv4: ['192.168.155.150/32'], ipv6: [] } },
    {
      asn: 64520,
      vrf: 'red',
      routerId: '10.1.0.2',
      neighbors: [{ address: '192.168.133.1', remoteAsn: 64700, bfdProfile: 'test-bfd-prof', families: { ipv4: { advertisements: [{ prefix: '172.16.0.10/32', largeCommunities: ['1:2:3'] }] } } }],
      networks: { ipv4: ['172.16.0.10/32'], ipv6: [] },
    },
  ],
  bfdProfiles: [SEED_BFD_PROFILE],
};

// Written out of order on purpose: sortForFrr puts it in the order FRR prints.
const multiPeer: FrrConfig = sortForFrr({
  logLevel: 'informational',
  routers: [
    {
      asn: 4200000001,
      routerId: '10.0.0.1',
      neighbors: [
        { address: '10.0.0.20', remoteAsn: 'internal', families: { ipv4: { advertisements: [{ prefix: '203.0.113.9/32' }, { prefix: '203.0.113.1/32', localPref: 300 }] } } },
        { address: '10.0.0.3', remoteAsn: 64600, password: 'secret', families: { ipv4: { advertisements: [{ prefix: '203.0.113.1/32' }] } } },
        { iface: 'eth1', remoteAsn: 'external', families: { ipv4: { advertisements: [] }, ipv6: { advertisements: [] } } },
      ],
      networks: { ipv4: ['203.0.113.9/32', '203.0.113.1/32'], ipv6: [] },
    },
  ],
  bfdProfiles: [],
});

const empty: FrrConfig = { logLevel: 'errors', routers: [], bfdProfiles: [] };

const cases: Record<string, FrrConfig> = { 'seed-002': seed, 'all-fields': allFields, ipv6, 'dual-stack': dualStack, vrf, 'multi-peer': multiPeer, empty };

for (const [name, model] of Object.entries(cases)) {
  test(`render ${name} matches its golden file`, () => {
    assertGolden(import.meta.url, name, render(model));
  });
  test(`render ${name} is deterministic and diffs empty against itself`, () => {
    const a = render(model);
    assert.equal(render(structuredClone(model)), a);
    assert.equal(diffConfigs(parseConfig(a), parseConfig(a)).size, 0);
  });
}

test('seed 002: the lines the seed shows in `show running` are rendered', () => {
  const lines = new Set(render(seed).split('\n').map((l) => l.trim()));
  for (const l of [
    'router bgp 64520',
    'no bgp ebgp-requires-policy',
    'no bgp default ipv4-unicast',
    'no bgp network import-check',
    'neighbor 192.168.133.1 remote-as 64521',
    'neighbor 192.168.133.1 bfd profile test-bfd-prof',
    'neighbor 192.168.133.1 timers 30 90',
    'neighbor 192.168.133.1 activate',
    'neighbor 192.168.133.1 route-map 192.168.133.1-in in',
    'route-map 192.168.133.1-in deny 20',
    'ip nht resolve-via-default',
    'ipv6 nht resolve-via-default',
    'profile test-bfd-prof',
    'detect-multiplier 37',
    'transmit-interval 35',
    'receive-interval 35',
    'passive-mode',
    'echo-mode',
    'minimum-ttl 10',
  ]) {
    assert.ok(lines.has(l), `missing: ${l}`);
  }
  // The profile block keeps FRR's order, as in the seed.
  const text = render(seed);
  const order = ['detect-multiplier 37', 'transmit-interval 35', 'receive-interval 35', 'passive-mode', 'echo-mode', 'minimum-ttl 10'].map((l) => text.indexOf(`  ${l}\n`));
  assert.deepEqual([...order].sort((a, b) => a - b), order);
});

test('timers: keepalive derives from holdTime, hold from keepalive, 30 90 by default', () => {
  const timersOf = (extra: object): string | undefined => render(seedNodeModel('192.168.133.71', [], extra)).split('\n').find((l) => l.includes(' timers ') && !l.includes('connect'));
  assert.equal(timersOf({}), ' neighbor 192.168.133.1 timers 30 90');
  assert.equal(timersOf({ holdTime: 180 }), ' neighbor 192.168.133.1 timers 60 180');
  assert.equal(timersOf({ keepaliveTime: 10 }), ' neighbor 192.168.133.1 timers 10 30');
  assert.equal(timersOf({ holdTime: 0, keepaliveTime: 0 }), ' neighbor 192.168.133.1 timers 0 0');
});

test('adding one prefix to a peer that gets them all is one network line (its list is one range)', () => {
  const prefixes = Array.from({ length: 50 }, (_, i) => ({ prefix: `10.1.0.${i * 2}/32` }));
  const before = render(seedNodeModel('192.168.133.71', prefixes));
  const after = render(seedNodeModel('192.168.133.71', [...prefixes, { prefix: '10.1.0.51/32' }]));
  const delta = diffConfigs(parseConfig(before), parseConfig(after));
  assert.deepEqual(delta.blocks.flatMap((b) => b.commands), ['network 10.1.0.51/32']);
  assert.match(after, /^ip prefix-list 192\.168\.133\.1-pl-ipv4 seq \d+ permit 0\.0\.0\.0\/0 le 32$/m);
});

test('a peer that gets some prefixes: adding one it does not get changes only its ranges (stable seq numbers)', () => {
  const m = (extra: string[]): ReturnType<typeof seedNodeModel> => {
    const model = seedNodeModel('192.168.133.71', Array.from({ length: 50 }, (_, i) => ({ prefix: `10.1.0.${i * 2}/32` })));
    // Prefixes the router originates for another peer only: this peer's list must avoid them.
    model.routers[0]!.networks.ipv4.push('10.1.0.77/32', ...extra);
    return model;
  };
  const before = render(m([]));
  const after = render(m(['10.1.0.33/32']));
  const delta = diffConfigs(parseConfig(before), parseConfig(after));
  const cmds = delta.blocks.flatMap((b) => b.commands);
  assert.ok(cmds.includes('network 10.1.0.33/32'));
  assert.ok(cmds.length <= 12, `a few range lines at most, got ${cmds.length}: ${cmds.join('; ')}`);
  assert.doesNotMatch(after, /permit 0\.0\.0\.0\/0 le 32/);
});
