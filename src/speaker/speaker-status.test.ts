import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpeakerStatus } from './speaker-status.js';
import type { Kube } from '../k8s/client.js';
import type { Caches } from '../k8s/caches.js';
import type { BGPPlan } from './announce/bgp.js';
import { Metrics } from '../metrics/registry.js';
import { silentLogger } from '../util/log.js';

/** Records the Events written; each write takes `delayMs`, as a real apiserver round-trip does. */
function recordingKube(delayMs: number): { kube: Kube; events: string[] } {
  const events: string[] = [];
  const kube = {
    async event(obj: { metadata?: { namespace?: string; name?: string } }, _type: string, reason: string): Promise<void> {
      await new Promise((r) => setTimeout(r, delayMs));
      events.push(`${reason} ${obj.metadata?.namespace}/${obj.metadata?.name}`);
    },
  } as unknown as Kube;
  return { kube, events };
}

const caches = { get: (_kind: string, namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { namespace, name } }) } as unknown as Caches;
const plan = (...services: string[]): BGPPlan => ({ announcements: services.map((service) => ({ service })) }) as unknown as BGPPlan;

test('nodeAssigned: one Event per newly announced Service, even when applies come faster than Events', async () => {
  const { kube, events } = recordingKube(5);
  const status = new SpeakerStatus(kube, caches, 'n1', 'metallb-system', new Metrics('speaker'), silentLogger());
  // Three applies in a row while the first Events are still being written (not awaited, as the loop calls it).
  const services = Array.from({ length: 20 }, (_, i) => `apps/s${i}`);
  const a = status.announcements(plan(...services.slice(0, 10)));
  const b = status.announcements(plan(...services.slice(0, 15)));
  const c = status.announcements(plan(...services));
  await Promise.all([a, b, c]);
  assert.deepEqual([...events].sort(), services.map((s) => `nodeAssigned ${s}`).sort());
  // Already announced: nothing more.
  await status.announcements(plan(...services));
  assert.equal(events.length, 20);
});

test('nodeAssigned: a Service withdrawn before its Event went out gets none', async () => {
  const { kube, events } = recordingKube(5);
  const status = new SpeakerStatus(kube, caches, 'n1', 'metallb-system', new Metrics('speaker'), silentLogger());
  const first = status.announcements(plan('apps/a', 'apps/b', 'apps/c'));
  const second = status.announcements(plan('apps/a'));
  await Promise.all([first, second]);
  assert.deepEqual(events, ['nodeAssigned apps/a']);
});
