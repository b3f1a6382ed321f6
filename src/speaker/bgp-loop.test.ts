import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BgpLoop } from './bgp-loop.js';
import { silentLogger } from '../util/log.js';
import { Metrics } from '../metrics/registry.js';

test('changes before start() (caches still filling) are not planned until start()', async () => {
  let planned = 0;
  const loop = new BgpLoop({
    node: 'n1',
    // Never reached by FRR: the snapshot names no such node, so the plan is a config error.
    vtysh: { run: () => Promise.reject(new Error('vtysh must not run')) },
    snapshot: () => {
      planned++;
      return {
        nodes: [],
        services: [],
        endpoints: [],
        pools: [],
        peers: [],
        bfdProfiles: [],
        bgpAdvertisements: [],
        l2Advertisements: [],
        communities: [],
        secrets: {},
      };
    },
    log: silentLogger(),
    metrics: new Metrics('speaker'),
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

test('a resync with nothing changed re-reads FRR but does not re-plan; a change does', async () => {
  let planned = 0;
  let reads = 0;
  const loop = new BgpLoop({
    node: 'n1',
    // FRR already holds the (empty) config: every read shows it, so nothing is ever applied.
    vtysh: {
      run: async (args: string[]) => {
        if (args.includes('show running-config')) reads++;
        return { code: 0, stdout: 'Building configuration...\n\nfrr version 8.4.4\n!\nip nht resolve-via-default\n!\nipv6 nht resolve-via-default\n!\nend\n', stderr: '' };
      },
    },
    snapshot: () => {
      planned++;
      return { nodes: [{ name: 'n1', labels: {}, networkUnavailable: false }], services: [], endpoints: [], pools: [], peers: [], bfdProfiles: [], bgpAdvertisements: [], l2Advertisements: [], communities: [], secrets: {} };
    },
    log: silentLogger(),
    metrics: new Metrics('speaker'),
    debounceMs: 1,
    resyncMs: 60_000,
  });
  loop.start();
  await new Promise((r) => setTimeout(r, 30));
  await loop.idle();
  assert.deepEqual([planned, reads, loop.lastError], [1, 1, undefined]);
  loop.trigger(true); // a resync
  await new Promise((r) => setTimeout(r, 30));
  await loop.idle();
  assert.deepEqual([planned, reads], [1, 2], 'the resync read FRR and reused the plan');
  loop.trigger(); // a change
  await new Promise((r) => setTimeout(r, 30));
  await loop.idle();
  assert.equal(planned, 2, 'a change is planned');
  loop.trigger(true);
  await new Promise((r) => setTimeout(r, 30));
  await loop.idle();
  loop.stop();
  assert.deepEqual([planned, reads], [2, 3], 'the change itself did not read (same desired config), the next resync did');
});
