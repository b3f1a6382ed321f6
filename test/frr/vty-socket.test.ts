// The applier's fast read (the daemons' vty sockets, vty-socket.ts) against FRR run as the speaker
// pod runs it: zebra, bgpd, bfdd, staticd, and watchfrr watching them, each with its own socket.
// Every socket is read (watchfrr and staticd answer too) and the result must not differ from
// what vtysh prints, in either direction, for a config with a BFD profile, a peer and policy.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { applyModel } from '../../src/speaker/frr/apply.js';
import { seedNodeModel } from '../helpers/seed-node-model.js';
import { readDaemonConfigs } from '../../src/speaker/frr/vty-socket.js';
import { frrUnavailable, Lab, waitFor, type FrrInstance } from '../../src/lab/netns.js';
import { directReadDiff } from './seed-lab.js';

const skip = frrUnavailable();

describe('reading FRR from its vty sockets, with watchfrr and staticd', { skip }, () => {
  let lab: Lab;
  let frr: FrrInstance;
  /** watchfrr and staticd, started here and stopped here by PID. */
  const extra: number[] = [];

  before(async () => {
    lab = new Lab('vtysock');
    const ns = await lab.namespace('n1');
    frr = await lab.startFrr(ns);
    const pidFile = (d: string): string => `${frr.confDir}/${d}.pid`;
    await lab.exec(ns, ['/usr/lib/frr/staticd', '-d', '-N', ns, '-f', `${frr.confDir}/frr.conf`, '-i', pidFile('staticd'), '-u', 'frr', '-g', 'frr']);
    await lab.exec(ns, ['/usr/lib/frr/watchfrr', '-d', '-N', ns, '-p', pidFile('watchfrr'), 'zebra', 'bgpd', 'bfdd', 'staticd']);
    for (const d of ['staticd', 'watchfrr']) {
      extra.push(await waitFor(`${d} pid`, () => (existsSync(pidFile(d)) ? Number(readFileSync(pidFile(d), 'utf8').trim()) || undefined : undefined)));
      await waitFor(`${d} socket`, () => existsSync(`${frr.socketDir}/${d}.vty`) || undefined);
    }
    // The seed's node config: peer with BFD profile test-bfd-prof, plus communities and local-pref.
    await applyModel(frr.vtysh, seedNodeModel('192.168.133.71', [{ prefix: '192.168.155.150/32', communities: ['64520:150'], localPref: 200 }]));
  });
  after(() => {
    for (const pid of extra) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    lab?.destroySync();
  });

  test('every daemon answers on its socket, and the union is what vtysh prints', async () => {
    const sockets = readdirSync(frr.socketDir).filter((f) => f.endsWith('.vty')).sort();
    assert.deepEqual(sockets, ['bfdd.vty', 'bgpd.vty', 'staticd.vty', 'watchfrr.vty', 'zebra.vty']);
    const parts = await readDaemonConfigs(frr.socketDir);
    assert.equal(parts.length, sockets.length);
    assert.match(parts[sockets.indexOf('bgpd.vty')] ?? '', /^router bgp 64520$/m);
    assert.match(parts[sockets.indexOf('bfdd.vty')] ?? '', /^ profile test-bfd-prof$/m);
    assert.deepEqual(await directReadDiff(frr), { direct: '', vtysh: '' });
  });
});
