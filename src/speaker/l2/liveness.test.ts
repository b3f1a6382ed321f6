import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstSighting, liveSpeakers, selfAlive, watchCurrentUntil } from './liveness.js';
import { placement, usableInterfaces } from './announcer.js';
import type { NetInterface } from './raw.js';

test('a speaker is live until its last renewal, timed on arrival, is one duration old', () => {
  const s = [
    { node: 'a', durationMs: 3000, seenAt: 1000 },
    { node: 'b', durationMs: 3000, seenAt: 2500 },
  ];
  assert.deepEqual([...liveSpeakers(s, 3999).live].sort(), ['a', 'b']);
  assert.equal(liveSpeakers(s, 3999).nextExpiry, 4000);
  assert.deepEqual([...liveSpeakers(s, 4000).live], ['b']);
  assert.equal(liveSpeakers(s, 4000).nextExpiry, 5500);
  assert.deepEqual(liveSpeakers(s, 6000), { live: new Set() });
});

test('first sighting: a leftover Lease older than its duration is expired at once; a clock ahead is capped', () => {
  assert.equal(firstSighting(1000, 3000, 10_000), 1000);
  assert.deepEqual([...liveSpeakers([{ node: 'x', durationMs: 3000, seenAt: firstSighting(1000, 3000, 10_000) }], 10_000).live], []);
  assert.equal(firstSighting(50_000, 3000, 10_000), 10_000, 'a renewTime from the future counts as now');
  assert.equal(firstSighting(undefined, 3000, 10_000), 7000);
});

test('self-fencing: we count ourselves alive only while our renewal is younger than duration minus one interval', () => {
  assert.equal(selfAlive(undefined, 3000, 1000, 0), false);
  assert.equal(selfAlive(1000, 3000, 1000, 2999), true);
  assert.equal(selfAlive(1000, 3000, 1000, 3000), false);
});

const iface = (name: string, extra: Partial<NetInterface> = {}): NetInterface => ({
  name,
  index: 1,
  mac: Buffer.from([2, 0, 0, 0, 0, 1]),
  up: true,
  loopback: false,
  ipv6: [],
  ...extra,
});

test('usable interfaces: up, not loopback, with a MAC, and within --l2-interfaces', () => {
  const all = [iface('eth1'), iface('lo', { loopback: true }), iface('down', { up: false }), iface('tun0', { mac: Buffer.alloc(0) }), iface('eth0'), iface('zero', { mac: Buffer.alloc(6) })];
  assert.deepEqual(usableInterfaces(all, undefined).map((i) => i.name), ['eth0', 'eth1']);
  assert.deepEqual(usableInterfaces(all, ['eth1', 'lo']).map((i) => i.name), ['eth1']);
});

test('placement: no interfaces means every usable one; a list restricts', () => {
  const usable = [iface('eth0'), iface('eth1')];
  const p = placement([{ ip: '10.0.0.1', interfaces: [] }, { ip: '10.0.0.2', interfaces: ['eth1', 'eth9'] }], usable);
  assert.deepEqual([...p].map(([k, v]) => [k, [...v].sort()]), [['eth0', ['10.0.0.1']], ['eth1', ['10.0.0.1', '10.0.0.2']]]);
});

test('the watch is trusted only up to our next echo\'s due time: peers do not expire while our renewals stop coming back', () => {
  assert.equal(watchCurrentUntil(undefined, 1000, 250, 5000), 5000, 'before the first echo: now');
  assert.equal(watchCurrentUntil(4500, 1000, 250, 5000), 5000, 'an echo 0.5 s ago: now');
  assert.equal(watchCurrentUntil(1000, 1000, 250, 9000), 2250, 'no echo for 8 s: judged as of 2.25 s');
  // A peer last seen at 1000 with a 3 s lease is alive at 2250, so a stalled watch keeps it.
  assert.deepEqual([...liveSpeakers([{ node: 'b', durationMs: 3000, seenAt: 1000 }], watchCurrentUntil(1000, 1000, 250, 9000)).live], ['b']);
});
