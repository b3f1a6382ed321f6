import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../util/errors.js';
import { findProblems, validateConfig } from './model-check.js';
import { render } from './render.js';
import { seedNodeModel } from '../../../test/helpers/seed-node-model.js';
import type { FrrConfig } from './model.js';

const base = (): FrrConfig => seedNodeModel('192.168.133.71', [{ prefix: '192.168.155.150/32', communities: ['no-export'] }]);

test('the seed model is valid', () => {
  assert.deepEqual(findProblems(base()), []);
});

type Mutation = [name: string, mutate: (m: FrrConfig) => void, expected: RegExp];
const n0 = (m: FrrConfig) => m.routers[0]!.neighbors[0]!;
const adv0 = (m: FrrConfig) => n0(m).families.ipv4!.advertisements[0]!;

const cases: Mutation[] = [
  // Injection attempts: every string that reaches frr.conf.
  ['newline in password', (m) => (n0(m).password = 'x\nrouter bgp 1'), /password: contains a line break/],
  ['carriage return in password', (m) => (n0(m).password = 'x\rno router bgp 64520'), /password: contains a line break/],
  ['space in password', (m) => (n0(m).password = 'a b'), /password: contains whitespace/],
  ['control char in password', (m) => (n0(m).password = 'a\x07b'), /password: contains a control character/],
  ['newline in community', (m) => (adv0(m).communities = ['no-export\nrouter bgp 1']), /communities\[0\]: contains a line break/],
  ['newline in large community', (m) => (adv0(m).largeCommunities = ['1:2:3\nbfd']), /largeCommunities\[0\]: contains a line break/],
  ['newline in vrf', (m) => (m.routers[0]!.vrf = 'red\nrouter bgp 1'), /vrf: contains a line break/],
  ['space in vrf', (m) => (m.routers[0]!.vrf = 'red blue'), /vrf: contains whitespace/],
  ['newline in profile name', (m) => (m.bfdProfiles[0]!.name = 'p\n exit\nrouter bgp 1'), /bfdProfiles\[0\].name: contains a line break/],
  ['newline in neighbor profile ref', (m) => (n0(m).bfdProfile = 'test-bfd-prof\nbfd'), /bfdProfile: contains a line break/],
  ['newline in interface', (m) => Object.assign(n0(m), { address: undefined, iface: 'eth0\nx' }), /iface: contains a line break/],
  ['newline in hostname', (m) => (m.hostname = 'a\nb'), /hostname: contains a line break/],
  ['newline in update-source', (m) => (n0(m).sourceAddress = 'eth0\nx'), /sourceAddress: contains a line break/],
  ['newline in neighbor address', (m) => (n0(m).address = '1.2.3.4\nx'), /address: contains a line break/],
  ['newline in prefix', (m) => (adv0(m).prefix = '192.168.155.150/32\nx'), /prefix: contains a line break/],
  ['newline in router id', (m) => (m.routers[0]!.routerId = '1.1.1.1\nx'), /routerId: contains a line break/],
  // Values FRR would refuse or silently change.
  ['password too long', (m) => (n0(m).password = 'x'.repeat(81)), /password: is not a password/],
  ['bad community', (m) => (adv0(m).communities = ['70000:1']), /is not a community/],
  ['unknown well-known name', (m) => (adv0(m).communities = ['no-such-thing']), /is not a community/],
  ['bad large community', (m) => (adv0(m).largeCommunities = ['1:2']), /is not a large community/],
  ['vrf named default', (m) => (m.routers[0]!.vrf = 'default'), /leave vrf empty/],
  ['asn 0', (m) => (m.routers[0]!.asn = 0), /asn: must be an integer/],
  ['bad remote asn', (m) => (n0(m).remoteAsn = 'foreign' as never), /remoteAsn/],
  ['host bits', (m) => (m.routers[0]!.networks.ipv4 = ['192.168.155.150/24']), /host bits set \(did you mean 192.168.155.0\/24\?\)/],
  ['wrong family', (m) => (m.routers[0]!.networks.ipv4 = ['2001:db8::/64']), /is not an ipv4 prefix/],
  ['IPv4-mapped network', (m) => (m.routers[0]!.networks.ipv6 = ['::ffff:192.168.155.150/128']), /networks\.ipv6\[0\]: "::ffff:192\.168\.155\.150\/128": "::ffff:192\.168\.155\.150" is an IPv4-mapped IPv6 address; write the IPv4 address 192\.168\.155\.150/],
  ['IPv4-mapped neighbor', (m) => (n0(m).address = '::ffff:192.168.1.1'), /neighbors\[0\]\.address: "::ffff:192\.168\.1\.1" is an IPv4-mapped IPv6 address; write the IPv4 address 192\.168\.1\.1/],
  ['IPv4-mapped update-source', (m) => (n0(m).sourceAddress = '::ffff:c0a8:101'), /sourceAddress: "::ffff:c0a8:101" is an IPv4-mapped IPv6 address; write the IPv4 address 192\.168\.1\.1/],
  ['IPv4-mapped router id', (m) => (m.routers[0]!.routerId = '::ffff:10.0.0.1'), /routerId: "::ffff:10\.0\.0\.1" is an IPv4-mapped/],
  ['garbage prefix', (m) => (m.routers[0]!.networks.ipv4 = ['10.0.0.300/24']), /networks\.ipv4\[0\]: is not a prefix/],
  ['advertised but not a network', (m) => (m.routers[0]!.networks.ipv4 = []), /advertised but not in the router's ipv4 networks/],
  ['unknown profile', (m) => (n0(m).bfdProfile = 'nope'), /not in bfdProfiles/],
  ['duplicate profile', (m) => m.bfdProfiles.push({ ...m.bfdProfiles[0]! }), /defined twice/],
  ['hold time 2', (m) => (n0(m).holdTime = 2), /holdTime: must be an integer from 3/],
  ['keepalive above hold', (m) => Object.assign(n0(m), { holdTime: 9, keepaliveTime: 10 }), /keepaliveTime: must not be longer than holdTime/],
  ['detect multiplier 1', (m) => (m.bfdProfiles[0]!.detectMultiplier = 1), /detectMultiplier: must be an integer from 2 to 255/],
  ['both address and iface', (m) => (n0(m).iface = 'eth0'), /exactly one of address and iface/],
  ['two routers in one VRF', (m) => m.routers.push({ ...m.routers[0]!, asn: 65000, neighbors: [] }), /FRR runs one BGP instance per VRF/],
  ['duplicate neighbor', (m) => m.routers[0]!.neighbors.push({ ...n0(m) }), /defined twice in this router/],
  ['local-as equal to router asn', (m) => (n0(m).localAsn = 64520), /must differ from the router ASN/],
];

for (const [name, mutate, expected] of cases) {
  test(`rejects ${name}`, () => {
    const m = base();
    mutate(m);
    assert.throws(
      () => render(m),
      (err: unknown) => {
        assert.ok(err instanceof ValidationError, 'a ValidationError');
        assert.match(err.problems.join('\n'), expected);
        return true;
      },
    );
  });
}

test('a password never appears in the error message', () => {
  const m = base();
  n0(m).password = 'hunter2 and more';
  assert.throws(() => validateConfig(m), (err: Error) => !err.message.includes('hunter2'));
});

test('every problem is reported at once', () => {
  const m = base();
  n0(m).password = 'a\nb';
  m.routers[0]!.vrf = 'x y';
  assert.equal(findProblems(m).length, 2);
});
