import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdBfdUntilEstablished, sessionsEverEstablished } from './bfd-gate.js';
import type { FrrConfig } from './frr/model.js';
import { render } from './frr/render.js';
import { NO_MESSAGES } from '../../test/helpers/sessions.js';

const config: FrrConfig = {
  logLevel: 'informational',
  bfdProfiles: [{ name: 'fast', receiveInterval: 100 }],
  routers: [
    {
      asn: 64520,
      networks: { ipv4: [], ipv6: [] },
      neighbors: [
        { address: '192.168.133.1', remoteAsn: 64521, bfdEnabled: true, bfdProfile: 'fast', families: { ipv4: { advertisements: [] } } },
        { address: '192.168.133.2', remoteAsn: 64521, bfdEnabled: true, families: { ipv4: { advertisements: [] } } },
        { address: '192.168.133.3', remoteAsn: 64521, families: { ipv4: { advertisements: [] } } },
      ],
    },
    { asn: 64520, vrf: 'red', networks: { ipv4: [], ipv6: [] }, neighbors: [{ address: '192.168.133.1', remoteAsn: 64521, bfdEnabled: true, families: {} }] },
  ],
};

const session = (neighbor: string, state: string, connectionsEstablished: number, vrf = '') => ({ vrf, neighbor, state, bfdState: '', connectionsEstablished, prefixesSent: 0, messages: NO_MESSAGES });

test('BFD of a session bgpd has never brought up is held back; the rest of the config is untouched', () => {
  const ready = sessionsEverEstablished([session('192.168.133.1', 'Active', 0), session('192.168.133.2', 'Established', 1), session('192.168.133.1', 'Connect', 0, 'red')]);
  const gated = holdBfdUntilEstablished(config, ready);
  assert.deepEqual(gated.held, ['/192.168.133.1', 'red/192.168.133.1']);
  assert.deepEqual(gated.bfd, ['/192.168.133.1', '/192.168.133.2', 'red/192.168.133.1']);
  const text = render(gated.config);
  assert.doesNotMatch(text, /neighbor 192\.168\.133\.1 bfd/);
  assert.match(text, /neighbor 192\.168\.133\.2 bfd\n/);
  assert.match(text, /profile fast/, 'the profile itself stays configured');
  assert.equal(render({ ...config, routers: [{ ...config.routers[0]!, neighbors: [config.routers[0]!.neighbors[2]!] }] }).includes('133.3 bfd'), false);
  assert.equal(config.routers[0]!.neighbors[0]!.bfdProfile, 'fast', 'the plan is not mutated');
});

test('a session that was Established once keeps its BFD while it is down (a flap must not churn BFD)', () => {
  const ready = sessionsEverEstablished([session('192.168.133.1', 'Active', 2), session('192.168.133.2', 'Idle', 1), session('192.168.133.1', 'Established', 3, 'red')]);
  const gated = holdBfdUntilEstablished(config, ready);
  assert.deepEqual(gated.held, []);
  assert.equal(gated.config, config);
});

test('a neighbor FRR does not know yet (the first apply after FRR starts) is held', () => {
  assert.deepEqual(holdBfdUntilEstablished(config, sessionsEverEstablished([])).held, ['/192.168.133.1', '/192.168.133.2', 'red/192.168.133.1']);
});
