import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, formatConfig } from './parse.js';

// The `show running` of seed 002 (FRR 7.5; the article lost the indentation).
const SEED_RUNNING = `Building configuration...

Current configuration:
!
frr version 7.5
frr defaults traditional
hostname ice-ocp4-worker-0.lab.local
log file /etc/frr/frr.log informational
log timestamp precision 3
service integrated-vtysh-config
!
router bgp 64520
no bgp ebgp-requires-policy
no bgp default ipv4-unicast
no bgp network import-check
neighbor 192.168.133.1 remote-as 64521
neighbor 192.168.133.1 bfd profile test-bfd-prof
neighbor 192.168.133.1 timers 30 90
!
address-family ipv4 unicast
neighbor 192.168.133.1 activate
neighbor 192.168.133.1 route-map 192.168.133.1-in in
exit-address-family
!
address-family ipv6 unicast
neighbor 192.168.133.1 activate
neighbor 192.168.133.1 route-map 192.168.133.1-in in
exit-address-family
!
route-map 192.168.133.1-in deny 20
!
route-map 192.168.133.1-out permit 1
!
ip nht resolve-via-default
!
ipv6 nht resolve-via-default
!
line vty
!
bfd
profile test-bfd-prof
detect-multiplier 37
transmit-interval 35
receive-interval 35
passive-mode
echo-mode
minimum-ttl 10
!
!
end
`;

test('parses the seed 002 running config (no indentation, no exit lines) into contexts', () => {
  const c = parseConfig(SEED_RUNNING);
  assert.deepEqual(
    c.contexts.map((x) => x.header),
    ['router bgp 64520', 'route-map 192.168.133.1-in deny 20', 'route-map 192.168.133.1-out permit 1', 'line vty', 'bfd'],
  );
  const bgp = c.contexts[0]!;
  assert.deepEqual(bgp.lines, [
    'no bgp ebgp-requires-policy',
    'no bgp default ipv4-unicast',
    'no bgp network import-check',
    'neighbor 192.168.133.1 remote-as 64521',
    // FRR 8.4 prints `bfd` beside `bfd profile`: the parser adds it so 7.5 files compare equal.
    'neighbor 192.168.133.1 bfd',
    'neighbor 192.168.133.1 bfd profile test-bfd-prof',
    'neighbor 192.168.133.1 timers 30 90',
  ]);
  assert.deepEqual(bgp.children.map((x) => x.header), ['address-family ipv4 unicast', 'address-family ipv6 unicast']);
  assert.deepEqual(bgp.children[1]!.lines, ['neighbor 192.168.133.1 activate', 'neighbor 192.168.133.1 route-map 192.168.133.1-in in']);
  assert.ok(c.lines.includes('ip nht resolve-via-default'));
  assert.ok(c.lines.includes('ipv6 nht resolve-via-default'));
  const bfd = c.contexts[4]!;
  assert.deepEqual(bfd.children.map((x) => x.header), ['profile test-bfd-prof']);
  assert.deepEqual(bfd.children[0]!.lines, ['detect-multiplier 37', 'transmit-interval 35', 'receive-interval 35', 'passive-mode', 'echo-mode', 'minimum-ttl 10']);
});

test('normalises lines to what FRR prints back', () => {
  const c = parseConfig(`router bgp 1
 neighbor FC00:0::1 remote-as 2
 neighbor 1.1.1.1 ebgp-multihop
 address-family ipv6
  network 2001:DB8:0:0::/64
 exit-address-family
exit
route-map x permit 1
 set community 65535:65282 1:1 1:1 65535:65281 additive
 set large-community 01:2:3
exit
ip prefix-list p permit 10.0.0.0/8
ip prefix-list p permit 10.1.0.0/16
ipv6 prefix-list q seq 7 permit 2001:DB8::/32
bfd
 profile p
  detect-multiplier 3
  echo-interval 70
  receive-interval 300
 exit
exit
`);
  assert.deepEqual(c.contexts[0]!.lines, ['neighbor fc00::1 remote-as 2', 'neighbor 1.1.1.1 ebgp-multihop 255']);
  assert.equal(c.contexts[0]!.children[0]!.header, 'address-family ipv6 unicast');
  assert.deepEqual(c.contexts[0]!.children[0]!.lines, ['network 2001:db8::/64']);
  assert.deepEqual(c.contexts[1]!.lines, ['set community 1:1 no-export no-advertise additive', 'set large-community 1:2:3']);
  // FRR numbers prefix-list entries without seq in steps of 5.
  assert.deepEqual(c.lines, ['ip prefix-list p seq 5 permit 10.0.0.0/8', 'ip prefix-list p seq 10 permit 10.1.0.0/16', 'ipv6 prefix-list q seq 7 permit 2001:db8::/32']);
  // Default values vanish; echo-interval becomes the two lines FRR prints.
  assert.deepEqual(c.contexts[2]!.children[0]!.lines, ['echo transmit-interval 70', 'echo receive-interval 70']);
});

test('a context repeated in a file is merged; formatConfig prints the tree back', () => {
  const c = parseConfig('router bgp 1\n neighbor 1.1.1.1 remote-as 2\nexit\nrouter bgp 1\n address-family ipv4 unicast\n  network 10.0.0.0/8\n exit-address-family\nexit\n');
  assert.equal(c.contexts.length, 1);
  assert.equal(
    formatConfig(c),
    'router bgp 1\n neighbor 1.1.1.1 remote-as 2\n address-family ipv4 unicast\n  network 10.0.0.0/8\n exit-address-family\nexit\n',
  );
});

test('a new address-family line closes the previous one; unindented top-level lines close contexts', () => {
  const c = parseConfig('router bgp 1\naddress-family ipv4 unicast\nnetwork 10.0.0.0/8\naddress-family ipv6 unicast\nnetwork ::/0\nip prefix-list a seq 5 permit any\n');
  assert.deepEqual(c.contexts[0]!.children.map((x) => [x.header, x.lines]), [
    ['address-family ipv4 unicast', ['network 10.0.0.0/8']],
    ['address-family ipv6 unicast', ['network ::/0']],
  ]);
  assert.deepEqual(c.lines, ['ip prefix-list a seq 5 permit any']);
});

test('indented lines stay in their context (vrf blocks may hold ip lines)', () => {
  const c = parseConfig('vrf red\n ip route 10.0.0.0/8 Null0\nexit-vrf\nip route 10.1.0.0/16 Null0\n');
  assert.deepEqual(c.contexts[0]!.lines, ['ip route 10.0.0.0/8 Null0']);
  assert.deepEqual(c.lines, ['ip route 10.1.0.0/16 Null0']);
});
