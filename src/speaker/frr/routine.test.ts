import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onlyRoutineLines } from './routine.js';

const inAf = (family: string, ...lines: string[]): string => `router bgp 64520\n address-family ${family} unicast\n${lines.map((l) => `  ${l}`).join('\n')}\n exit-address-family\nexit\n`;

test('network lines and prefix-list entries with valid values are routine (no vtysh -C)', () => {
  assert.equal(onlyRoutineLines(inAf('ipv4', 'network 10.1.0.3/32', 'no network 10.1.0.4/32', 'network 10.2.0.0/24')), true);
  assert.equal(onlyRoutineLines('ip prefix-list 10.0.0.1-pl-ipv4 seq 12 permit 0.0.0.0/0 le 32\nno ipv6 prefix-list x-pl-ipv6 seq 3 permit 2001:db8::/64\n'), true);
  assert.equal(onlyRoutineLines('router bgp 64520 vrf red\n address-family ipv6 unicast\n  network 2001:db8::1/128\n exit-address-family\nexit\n'), true);
  assert.equal(onlyRoutineLines(''), true);
});

test('any other line, or a routine line with a value FRR would refuse or change, goes through vtysh -C', () => {
  for (const other of [' neighbor 1.1.1.1 remote-as 2', 'bfd', 'route-map x-out permit 1', '  network 10.0.0.1/32 route-map x', 'ip prefix-list x seq 1 deny 10.0.0.0/8', 'no router bgp 64520']) {
    assert.equal(onlyRoutineLines(`router bgp 1\n${other}\nexit\n`), false, other);
  }
  const bad: [string, string][] = [
    ['v4 network in the v6 family', inAf('ipv6', 'network 10.0.0.1/32')],
    ['v6 network in the v4 family', inAf('ipv4', 'network 2001:db8::1/128')],
    ['host bits set (FRR masks or refuses)', inAf('ipv4', 'network 10.0.0.1/24')],
    ['not an address', inAf('ipv4', 'network 300.0.0.1/32')],
    ['length too long', inAf('ipv4', 'network 10.0.0.1/33')],
    ['network outside an address family', 'router bgp 1\n network 10.0.0.1/32\nexit\n'],
    ['network after its family ended', `${inAf('ipv4', 'network 10.0.0.1/32')}network 10.0.0.2/32\n`],
    ['ASN 0', 'router bgp 0\nexit\n'],
    ['ASN too large', 'router bgp 4294967296\nexit\n'],
    ['VRF name over 35 characters', `router bgp 1 vrf ${'v'.repeat(36)}\nexit\n`],
    ['prefix-list le below the length', 'ip prefix-list p seq 5 permit 10.0.0.0/24 le 16\n'],
    ['prefix-list le equal to the length', 'ip prefix-list p seq 5 permit 10.0.0.0/24 le 24\n'],
    ['prefix-list le beyond the family', 'ip prefix-list p seq 5 permit 10.0.0.0/24 le 64\n'],
    ['prefix-list seq 0', 'ip prefix-list p seq 0 permit 10.0.0.0/24\n'],
    ['v6 prefix in an ip prefix-list', 'ip prefix-list p seq 5 permit 2001:db8::/64\n'],
    ['prefix-list host bits', 'ip prefix-list p seq 5 permit 10.0.0.1/24 le 32\n'],
  ];
  for (const [why, script] of bad) assert.equal(onlyRoutineLines(script), false, why);
});
