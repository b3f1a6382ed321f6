import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffConfigs, formatDelta, redactSecrets } from './diff.js';
import { parseConfig } from './parse.js';
import { render } from './render.js';
import { seedNodeModel } from '../../../test/helpers/seed-node-model.js';

const delta = (running: string, desired: string): string => formatDelta(diffConfigs(parseConfig(running), parseConfig(desired)));

test('ignores global lines FRR adds and contexts we do not own', () => {
  const running = `frr version 8.4.4
frr defaults traditional
hostname vm
no ip forwarding
no ipv6 forwarding
service integrated-vtysh-config
!
interface eth0
 ip address 10.0.0.1/24
exit
!
line vty
!
end
`;
  assert.equal(delta(running, 'hostname other\nlog stdout\n'), '');
});

test('a removed neighbor is one `no neighbor` (no per-line removals, also in address families)', () => {
  const running = `router bgp 64520
 neighbor 1.1.1.1 remote-as 1
 neighbor 1.1.1.1 password x
 neighbor 2.2.2.2 remote-as 2
 address-family ipv4 unicast
  neighbor 1.1.1.1 activate
  neighbor 1.1.1.1 route-map a out
  neighbor 2.2.2.2 activate
 exit-address-family
exit
`;
  const desired = `router bgp 64520
 neighbor 2.2.2.2 remote-as 2
 address-family ipv4 unicast
  neighbor 2.2.2.2 activate
 exit-address-family
exit
`;
  assert.equal(delta(running, desired), 'router bgp 64520\n no neighbor 1.1.1.1\nexit\n');
});

test('changed values are rewritten in place; route-map references go before route-maps and prefix-lists', () => {
  const running = `router bgp 64520
 neighbor 1.1.1.1 remote-as 1
 neighbor 1.1.1.1 timers 30 90
 neighbor 1.1.1.1 bfd
 address-family ipv4 unicast
  network 10.0.0.1/32
  neighbor 1.1.1.1 activate
  neighbor 1.1.1.1 route-map old out
 exit-address-family
exit
ip prefix-list old seq 5 permit 10.0.0.1/32
route-map old permit 1
 match ip address prefix-list old
exit
`;
  const desired = `router bgp 64520
 neighbor 1.1.1.1 remote-as 1
 neighbor 1.1.1.1 timers 10 30
 address-family ipv4 unicast
  network 10.0.0.2/32
  neighbor 1.1.1.1 activate
 exit-address-family
exit
`;
  assert.equal(
    delta(running, desired),
    `router bgp 64520
 no neighbor 1.1.1.1 bfd
 address-family ipv4 unicast
  no network 10.0.0.1/32
  no neighbor 1.1.1.1 route-map old out
 exit-address-family
exit
no route-map old permit 1
no ip prefix-list old seq 5 permit 10.0.0.1/32
router bgp 64520
 neighbor 1.1.1.1 timers 10 30
 address-family ipv4 unicast
  network 10.0.0.2/32
 exit-address-family
exit
`,
  );
});

test('additions: bfd profiles, then prefix-lists, then route-maps, then router bgp', () => {
  const desired = render(seedNodeModel('192.168.133.71', [{ prefix: '192.168.155.150/32' }]));
  const script = delta('', desired);
  const at = (s: string): number => script.indexOf(s);
  assert.ok(at('bfd\n profile test-bfd-prof') < at('ip prefix-list'));
  assert.ok(at('ip prefix-list') < at('route-map 192.168.133.1-in deny 20'));
  assert.ok(at('route-map 192.168.133.1-out deny 65535') < at('router bgp 64520'));
  assert.ok(!script.includes('configure terminal'), 'vtysh -f starts in config mode');
});

test('bfd: profile values reset to defaults (8.4 has no `no detect-multiplier`), removed profiles go', () => {
  const running = 'bfd\n profile a\n  detect-multiplier 37\n  echo transmit-interval 60\n  echo receive-interval 60\n  minimum-ttl 10\n  passive-mode\n exit\n profile b\n exit\nexit\n';
  const desired = 'bfd\n profile a\n  detect-multiplier 5\n exit\nexit\n';
  assert.equal(
    delta(running, desired),
    'bfd\n profile a\n  echo transmit-interval 50\n  echo receive-interval 50\n  no minimum-ttl\n  no passive-mode\n exit\n no profile b\n profile a\n  detect-multiplier 5\n exit\nexit\n',
  );
});

test('neighbor bfd off: only `no neighbor X bfd` (a later `no ... bfd profile` would turn it back on)', () => {
  const running = 'router bgp 1\n neighbor 1.1.1.1 remote-as 2\n neighbor 1.1.1.1 bfd\n neighbor 1.1.1.1 bfd profile p\nexit\n';
  assert.equal(delta(running, 'router bgp 1\n neighbor 1.1.1.1 remote-as 2\nexit\n'), 'router bgp 1\n no neighbor 1.1.1.1 bfd\nexit\n');
});

test('router bgp instances: VRFs are removed before the default one', () => {
  const running = 'router bgp 1\nexit\nrouter bgp 1 vrf red\nexit\nrouter bgp 1 vrf blue\nexit\n';
  assert.equal(delta(running, ''), 'no router bgp 1 vrf red\nno router bgp 1 vrf blue\nno router bgp 1\n');
});

test('empty contexts are created with enter/exit (route-map X-in deny 20)', () => {
  assert.equal(delta('', 'route-map a-in deny 20\nexit\n'), 'route-map a-in deny 20\nexit\n');
});

test('withdrawing 1,000 of 2,000 prefixes is 1,000 `no network` and nothing else (the peer gets them all)', () => {
  const prefixes = Array.from({ length: 2000 }, (_, i) => ({ prefix: `10.${(i >> 8) & 255}.${i & 255}.1/32` }));
  const before = render(seedNodeModel('192.168.133.71', prefixes));
  const after = render(seedNodeModel('192.168.133.71', prefixes.slice(0, 1000)));
  const d = diffConfigs(parseConfig(before), parseConfig(after));
  assert.equal(d.size, 1000);
  assert.ok(d.blocks.flatMap((b) => b.commands).every((c) => c.startsWith('no network ')));
});

test('redactSecrets hides passwords in deltas and leftovers', () => {
  assert.equal(redactSecrets(' neighbor 1.1.1.1 password s3cret\n no neighbor 1.1.1.1 password old\n'), ' neighbor 1.1.1.1 password <redacted>\n no neighbor 1.1.1.1 password <redacted>\n');
});

test('no bfd block wanted: `no bfd` (FRR keeps printing an empty block once profiles existed)', () => {
  assert.equal(delta('bfd\nexit\n', ''), 'no bfd\n');
  assert.equal(delta('bfd\n profile a\n  passive-mode\n exit\nexit\n', 'router bgp 1\nexit\n'), 'no bfd\nrouter bgp 1\nexit\n');
});

test('a prefix only another peer gets: its network goes in after the ranges that avoid it, which go in before the old range goes', () => {
  const model = (extra: string[]): string => {
    const m = seedNodeModel('192.168.133.71', [{ prefix: '10.1.0.1/32' }, { prefix: '10.1.0.2/32' }]);
    m.routers[0]!.networks.ipv4.push(...extra); // originated for another peer only
    return render(m);
  };
  const lines = formatDelta(diffConfigs(parseConfig(model([])), parseConfig(model(['10.1.0.3/32'])))).split('\n');
  const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
  const added = at(/^ip prefix-list 192\.168\.133\.1-pl-ipv4 seq \d+ permit (?!0\.0\.0\.0\/0)/);
  const removed = at(/^no ip prefix-list 192\.168\.133\.1-pl-ipv4 seq \d+ permit 0\.0\.0\.0\/0 le 32$/);
  const network = at(/^ {2}network 10\.1\.0\.3\/32$/);
  assert.ok(added >= 0 && removed > added && network > removed, lines.join('\n'));
  // and back: the network goes before the old ranges do
  const back = formatDelta(diffConfigs(parseConfig(model(['10.1.0.3/32'])), parseConfig(model([])))).split('\n');
  const gone = back.findIndex((l) => / no network 10\.1\.0\.3\/32$/.test(l));
  const wide = back.findIndex((l) => /^ip prefix-list .* permit 0\.0\.0\.0\/0 le 32$/.test(l));
  assert.ok(gone >= 0 && wide > gone, back.join('\n'));
});

test('a new neighbor is created shut down and opened last, after its address family; a known one is not touched', () => {
  const base = render(seedNodeModel('192.168.133.71', [{ prefix: '10.1.0.1/32' }]));
  const lines = delta('', base).split('\n').map((l) => l.trim());
  const at = (l: string): number => lines.indexOf(l);
  assert.ok(at('neighbor 192.168.133.1 shutdown') === at('neighbor 192.168.133.1 remote-as 64521') + 1, lines.join('\n'));
  assert.ok(at('neighbor 192.168.133.1 activate') > at('neighbor 192.168.133.1 shutdown'));
  const open = at('no neighbor 192.168.133.1 shutdown');
  assert.ok(open > at('neighbor 192.168.133.1 activate') && open > at('network 10.1.0.1/32'), lines.join('\n'));
  assert.ok(lines.slice(open + 1).every((l) => l === '' || l.startsWith('exit')), 'opened last');
  const more = render(seedNodeModel('192.168.133.71', [{ prefix: '10.1.0.1/32' }, { prefix: '10.1.0.2/32' }]));
  assert.doesNotMatch(delta(base, more), /shutdown/);
});
