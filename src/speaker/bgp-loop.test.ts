import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BgpLoop } from './bgp-loop.js';
import { silentLogger } from '../util/log.js';
import { Metrics } from '../util/metrics.js';
import type { Snapshot } from './announce/snapshot.js';

test('changes before start() (caches still filling) are not planned until start()', async () => {
  let planned = 0;
  const loop = new BgpLoop({
    node: 'n1',
    // Never reached by FRR: the snapshot names no such node, so the plan is a config error.
    vtysh: { run: () => Promise.reject(new Error('vtysh must not run')) },
    snapshot: () => {
      planned++;
      return { nodes: [], services: [], endpoints: [], pools: [], peers: [], bfdProfiles: [], bgpAdvertisements: [], l2Advertisements: [], communities: [], secrets: {} } as unknown as Snapshot;
    },
    log: silentLogger(),
    metrics: new Metrics(),
    debounceMs: 1,
  });
  loop.trigger();
  loop.trigger();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(planned, 0, 'nothing planned from a half-filled cache');
  loop.start();
  await new Promise((r) => setTimeout(r, 50));
  await loop.idle();
  loop.stop();
  assert.equal(planned, 1, 'one plan once started, covering the changes seen before');
});
