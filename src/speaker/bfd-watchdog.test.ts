import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BfdWatchdog } from './bfd-watchdog.js';
import type { BGPPlan } from './announce/bgp.js';
import { NO_MESSAGES } from '../../test/helpers/sessions.js';

const plan = { config: { logLevel: 'informational', bfdProfiles: [], routers: [{ asn: 64520, networks: { ipv4: [], ipv6: [] }, neighbors: [{ address: '192.168.133.1', remoteAsn: 64521, bfdEnabled: true, bfdProfile: 'p', families: {} }] }] }, announcements: [], notAnnounced: {}, skipped: [], errors: [] } as BGPPlan;
const s = (state: string, bfdState: string) => [{ vrf: '', neighbor: '192.168.133.1', state, bfdState, connectionsEstablished: 1, prefixesSent: 0, messages: NO_MESSAGES }];

test('BFD down under an Established session is re-registered after a grace period, with backoff', () => {
  const w = new BfdWatchdog(10_000);
  assert.deepEqual(w.check(plan, s('Established', 'Down'), 0), []);
  const k = w.check(plan, s('Established', 'Down'), 10_000);
  assert.deepEqual(k[0]?.commands, ['configure terminal', 'router bgp 64520', 'no neighbor 192.168.133.1 bfd', 'neighbor 192.168.133.1 bfd profile p', 'neighbor 192.168.133.1 bfd', 'end']);
  assert.deepEqual(w.check(plan, s('Established', 'Down'), 15_000), [], 'backoff');
  assert.equal(w.check(plan, s('Established', 'Down'), 30_000).length, 1);
});

test('nothing to do while BFD is up or BGP is not Established', () => {
  const w = new BfdWatchdog(10_000);
  assert.deepEqual(w.check(plan, s('Established', 'Up'), 0), []);
  assert.deepEqual(w.check(plan, s('Established', 'Up'), 60_000), []);
  assert.deepEqual(w.check(plan, s('Active', 'Down'), 120_000), []);
});
