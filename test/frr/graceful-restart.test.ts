// Graceful restart across a speaker restart, on real FRR (issue 15.8). The node's BGPPeer has
// enableGracefulRestart (rendered `bgp graceful-restart preserve-fw-state` and `neighbor X
// graceful-restart`, applied by the product); the router runs `bgp graceful-restart`. A deleted
// speaker pod takes its frr container with it: here the node's zebra, bgpd and bfdd get SIGKILL by
// PID (no Notification, no withdraw), stay down 5 s, then a new FRR starts empty in the same
// namespace and the product applies the same model again, as the new pod's speaker does.
// Meanwhile the router is sampled every 100 ms (bounded: 30 s, 300 samples): its BGP path for the
// Service prefix must stay, marked stale while the node is away, and its zebra route must never
// go; once the node is back the session is Established and the path is no longer stale.
//   node eth0 10.40.0.2/24   <-veth->   ext pn 10.40.0.1/24
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { applyModel } from '../../src/speaker/frr/apply.js';
import type { FrrConfig } from '../../src/speaker/frr/model.js';
import { alive } from '../../src/lab/procs.js';
import { frrUnavailable, Lab, showJson, waitFor, type FrrInstance } from '../../src/lab/netns.js';
import { bgpPeers, connectionsEstablished, ribNexthops, waitEstablished, nodeAndRouter } from './seed-lab.js';

const skip = frrUnavailable();
const PREFIX = '192.168.155.200/32';
const NODE_IP = '10.40.0.2';
const DOWN_MS = 5000;
const SAMPLE_MS = 100;
const SAMPLING_LIMIT_MS = 30_000;

const EXT_CONFIG = `frr defaults traditional
router bgp 64530
 bgp router-id 10.40.0.1
 bgp graceful-restart
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 neighbor ${NODE_IP} remote-as 64520
 address-family ipv4 unicast
  neighbor ${NODE_IP} activate
 exit-address-family
`;

const nodeModel = (): FrrConfig => ({
  logLevel: 'informational',
  routers: [
    {
      asn: 64520,
      routerId: NODE_IP,
      neighbors: [{ address: '10.40.0.1', remoteAsn: 64530, gracefulRestart: true, families: { ipv4: { advertisements: [{ prefix: PREFIX }] } } }],
      networks: { ipv4: [PREFIX], ipv6: [] },
    },
  ],
  bfdProfiles: [],
});

interface Sample {
  ms: number;
  /** The router's BGP path from the node: absent, stale or fresh. */
  bgp: 'missing' | 'stale' | 'fresh';
  /** zebra's route (the router's RIB/FIB view) is there. */
  rib: boolean;
  state: string;
}

describe('graceful restart across a speaker (FRR) restart on real FRR', { skip }, () => {
  let lab: Lab;
  let node: FrrInstance;
  let ext: FrrInstance;
  let nns = '';

  before(async () => {
    lab = new Lab('gr');
    const pair = await nodeAndRouter(lab);
    const ens = pair.ens;
    nns = pair.nns;
    await lab.addr(nns, 'eth0', `${NODE_IP}/24`);
    await lab.addr(ens, 'pn', '10.40.0.1/24');
    ext = await lab.startFrr(ens, EXT_CONFIG);
    node = await lab.startFrr(nns);
    assert.equal((await applyModel(node.vtysh, nodeModel())).converged, true);
  });
  after(() => lab?.destroySync());

  test('the router keeps the prefix (stale) while the node FRR is SIGKILLed and restarted; Established again and not stale', async (t) => {
    await waitEstablished(node.vtysh, '10.40.0.1');
    await waitFor(`${PREFIX} in the router RIB`, async () => ((await ribNexthops(ext.vtysh, PREFIX)).length === 1 ? true : undefined));
    type Nb = Record<string, { gracefulRestartInfo?: { localGrMode?: string; remoteGrMode?: string }; neighborCapabilities?: { gracefulRestart?: string } }>;
    const gr = (await showJson<Nb>(ext.vtysh, `show bgp neighbor ${NODE_IP} json`))[NODE_IP];
    const grInfo = gr?.gracefulRestartInfo;
    const grSeen = `router: capability ${gr?.neighborCapabilities?.gracefulRestart}, localGrMode ${grInfo?.localGrMode}, remoteGrMode ${grInfo?.remoteGrMode}`;
    assert.equal(gr?.neighborCapabilities?.gracefulRestart, 'advertisedAndReceived', grSeen);
    const sessionsBefore = await connectionsEstablished(ext.vtysh, NODE_IP);

    // The sampler reads the router's daemons straight from their vty sockets (a few ms a read), so
    // 100 ms between samples holds while the node restarts beside it.
    type Paths = { paths?: { stale?: boolean; nexthops?: { ip?: string }[] }[] };
    const samples: Sample[] = [];
    const readErrors: string[] = [];
    const t0 = Date.now();
    let stop = false;
    const sampler = (async (): Promise<void> => {
      for (let i = 0; i < SAMPLING_LIMIT_MS / SAMPLE_MS && !stop && Date.now() - t0 < SAMPLING_LIMIT_MS; i++) {
        const next = t0 + (i + 1) * SAMPLE_MS;
        try {
          const [bgpText, ribText, sumText] = await Promise.all([
            ext.vtysh.query!('bgpd', `show bgp ipv4 unicast ${PREFIX} json`),
            ext.vtysh.query!('zebra', `show ip route ${PREFIX} json`),
            ext.vtysh.query!('bgpd', 'show bgp ipv4 unicast summary json'),
          ]);
          const path = (JSON.parse(bgpText) as Paths).paths?.find((p) => p.nexthops?.[0]?.ip === NODE_IP);
          type Routes = Record<string, { protocol?: string; selected?: boolean }[]>;
          const rib = ((JSON.parse(ribText) as Routes)[PREFIX] ?? []).some((r) => r.protocol === 'bgp' && r.selected);
          const state = (JSON.parse(sumText) as { peers?: Record<string, { state?: string }> }).peers?.[NODE_IP]?.state ?? 'none';
          samples.push({ ms: Date.now() - t0, bgp: path === undefined ? 'missing' : path.stale ? 'stale' : 'fresh', rib, state });
        } catch (err) {
          // A read that fails is neither present nor missing: counted apart, and asserted to be 0.
          readErrors.push(String(err));
        }
        await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
      }
    })();

    // The pod is gone: every FRR daemon of the node, by PID, at once.
    const killed = [...node.pids];
    for (const pid of killed) process.kill(pid, 'SIGKILL');
    await waitFor('node FRR daemons gone', () => (killed.some(alive) ? undefined : true), 5000);
    const killedAt = Date.now() - t0;
    await new Promise((r) => setTimeout(r, DOWN_MS));

    // The new pod: FRR starts empty, the speaker applies the same model.
    const restartAt = Date.now() - t0;
    node = await lab.startFrr(nns);
    const applied = await applyModel(node.vtysh, nodeModel());
    assert.equal(applied.converged, true);
    const appliedAt = Date.now() - t0;
    try {
      await waitFor('Established again and the path fresh at the router', () => {
        const last = samples.at(-1);
        return last && last.ms > appliedAt && last.state === 'Established' && last.bgp === 'fresh' && last.rib ? true : undefined;
      }, SAMPLING_LIMIT_MS, 2000);
      // A second of fresh samples after that: the stale flag does not come back.
      const freshAt = Date.now() - t0;
      await waitFor('1 s of samples past recovery', () => ((samples.at(-1)?.ms ?? 0) > freshAt + 1000 ? true : undefined), 5000);
    } finally {
      stop = true;
      await sampler;
    }

    const count = (f: (s: Sample) => boolean): number => samples.filter(f).length;
    const down = samples.filter((s) => s.ms > killedAt && s.ms < restartAt);
    const firstFresh = samples.find((s) => s.ms > killedAt && s.state === 'Established' && s.bgp === 'fresh');
    const staleMs = samples.filter((s) => s.bgp === 'stale').map((s) => s.ms);
    const figures = {
      samples: samples.length,
      spanMs: samples.at(-1)?.ms,
      killedAt,
      restartAt,
      appliedAt,
      stale: count((s) => s.bgp === 'stale'),
      staleFromMs: staleMs[0],
      staleToMs: staleMs.at(-1),
      fresh: count((s) => s.bgp === 'fresh'),
      bgpMissing: count((s) => s.bgp === 'missing'),
      ribMissing: count((s) => !s.rib),
      downSamples: down.length,
      downStale: down.filter((s) => s.bgp === 'stale').length,
      downStates: [...new Set(down.map((s) => s.state))],
      establishedAtMs: samples.find((s) => s.ms > killedAt && s.state === 'Established')?.ms,
      establishedFreshAtMs: firstFresh?.ms,
      readErrors: readErrors.length,
      sessions: [sessionsBefore, await connectionsEstablished(ext.vtysh, NODE_IP)],
    };
    t.diagnostic(`${grSeen}; ${JSON.stringify(figures)}`);
    assert.deepEqual(readErrors, [], 'router reads that failed');
    assert.equal(figures.bgpMissing, 0, 'samples where the BGP path was missing at the router');
    assert.equal(figures.ribMissing, 0, "samples where the prefix was missing from the router's RIB");
    // Every sample while the node was down saw the path stale, and none saw the session up.
    assert.ok(down.length >= (DOWN_MS / SAMPLE_MS) * 0.8, `only ${down.length} samples in ${DOWN_MS} ms down`);
    assert.equal(figures.downStale, down.length);
    assert.ok(!figures.downStates.includes('Established'));
    // Recovered: a new session (one more connection), Established, and the path fresh to the end.
    assert.ok(firstFresh, 'never fresh again');
    assert.equal(figures.sessions[1], sessionsBefore + 1);
    const recovered = samples.filter((s) => s.ms >= (firstFresh?.ms ?? 0));
    assert.ok(recovered.every((s) => s.bgp === 'fresh' && s.state === 'Established'), 'stale or down again after recovery');
    assert.equal((await bgpPeers(node.vtysh))['10.40.0.1']?.state, 'Established');
  });
});
