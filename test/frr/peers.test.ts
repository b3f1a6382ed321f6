// Peer features on real FRR: one node (our renderer + applier), an external router "ext" (AS 64530)
// and an iBGP peer "ibgp" (AS 64520), all on one bridge inside ext's namespace:
//   node eth0 10.10.0.2/24 + 10.10.0.3/24, fc00:10::2/64   ext br0 10.10.0.1/24, fc00:10::1/64, lo 10.255.0.1
//   ibgp eth0 10.10.0.4/24
// The node reaches ext's loopback through a kernel route, so that session needs eBGP multihop (and
// its BFD is multihop BFD).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { applyModel } from '../../src/speaker/frr/apply.js';
import type { FrrConfig } from '../../src/speaker/frr/model.js';
import { repoRoot } from '../../src/util/repo-root.js';
import { frrUnavailable, Lab, runningConfig, showJson, waitFor, type FrrInstance } from '../../src/lab/netns.js';
import { bgpPaths, bgpPeers, directReadDiff, reloadTestDiff, ribNexthops, waitEstablished } from './seed-lab.js';

const skip = frrUnavailable();
const PASSWORD = 's3cr3t!pw#1';

const EXT_CONFIG = `frr defaults traditional
router bgp 64530
 bgp router-id 10.255.0.1
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 neighbor 10.10.0.2 remote-as 64520
 neighbor 10.10.0.2 password ${PASSWORD}
 neighbor 10.10.0.3 remote-as 64520
 neighbor 10.10.0.3 ebgp-multihop 2
 neighbor 10.10.0.3 update-source 10.255.0.1
 neighbor 10.10.0.3 bfd
 neighbor fc00:10::2 remote-as 64520
 address-family ipv4 unicast
  neighbor 10.10.0.2 activate
  neighbor 10.10.0.3 activate
 exit-address-family
 address-family ipv6 unicast
  neighbor fc00:10::2 activate
 exit-address-family
exit
`;

const IBGP_CONFIG = `frr defaults traditional
router bgp 64520
 bgp router-id 10.10.0.4
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 neighbor 10.10.0.2 remote-as 64520
 address-family ipv4 unicast
  neighbor 10.10.0.2 activate
 exit-address-family
exit
`;

const nodeModel = (): FrrConfig => ({
  logLevel: 'informational',
  routers: [
    {
      asn: 64520,
      routerId: '10.10.0.2',
      neighbors: [
        { address: '10.10.0.1', remoteAsn: 64530, password: PASSWORD, families: { ipv4: { advertisements: [{ prefix: '192.168.155.160/32', communities: ['64520:160'] }] } } },
        { address: '10.10.0.4', remoteAsn: 'internal', families: { ipv4: { advertisements: [{ prefix: '192.168.155.160/32', localPref: 250 }] } } },
        { address: '10.255.0.1', remoteAsn: 64530, ebgpMultihop: true, sourceAddress: '10.10.0.3', bfdEnabled: true, bfdProfile: 'multihop', families: { ipv4: { advertisements: [{ prefix: '192.168.155.161/32' }] } } },
        { address: 'fc00:10::1', remoteAsn: 64530, families: { ipv6: { advertisements: [{ prefix: '2001:db8:155::10/128', largeCommunities: ['64520:6:6'] }] } } },
      ],
      networks: { ipv4: ['192.168.155.160/32', '192.168.155.161/32'], ipv6: ['2001:db8:155::10/128'] },
    },
  ],
  // minimumTtl would matter to multihop BFD only; see the multihop test for what FRR makes of it.
  bfdProfiles: [{ name: 'multihop', detectMultiplier: 4, minimumTtl: 250 }],
});

describe('BGP peer features on real FRR', { skip }, () => {
  let lab: Lab;
  let node: FrrInstance;
  let ext: FrrInstance;
  let ibgp: FrrInstance;
  let desired = '';

  before(async () => {
    lab = new Lab('peers');
    const ens = await lab.namespace('ext');
    const nns = await lab.namespace('node');
    const ins = await lab.namespace('ibgp');
    await lab.veth(nns, 'eth0', ens, 'pn');
    await lab.veth(ins, 'eth0', ens, 'pi');
    await lab.bridge(ens, 'br0', ['pn', 'pi']);
    await lab.addr(ens, 'br0', '10.10.0.1/24');
    await lab.addr(ens, 'br0', 'fc00:10::1/64');
    await lab.addr(ens, 'lo', '10.255.0.1/32');
    await lab.addr(nns, 'eth0', '10.10.0.2/24');
    await lab.addr(nns, 'eth0', '10.10.0.3/24');
    await lab.addr(nns, 'eth0', 'fc00:10::2/64');
    await lab.addr(ins, 'eth0', '10.10.0.4/24');
    await lab.exec(nns, ['ip', 'route', 'add', '10.255.0.1/32', 'via', '10.10.0.1']);
    ext = await lab.startFrr(ens, EXT_CONFIG);
    ibgp = await lab.startFrr(ins, IBGP_CONFIG);
    node = await lab.startFrr(nns);
    const r = await applyModel(node.vtysh, nodeModel());
    desired = r.desired;
    assert.deepEqual(await reloadTestDiff(node, desired), []);
  });
  after(() => lab?.destroySync());

  test('password (TCP-MD5) session is Established and carries its route with its community', async () => {
    await waitEstablished(node.vtysh, '10.10.0.1');
    const [p] = await waitFor('192.168.155.160/32 at ext', async () => {
      const paths = await bgpPaths(ext.vtysh, '192.168.155.160/32');
      return paths.length > 0 ? paths : undefined;
    });
    assert.equal(p?.nexthops?.[0]?.ip, '10.10.0.2');
    assert.equal(p?.community?.string, '64520:160');
    // The password is in FRR's config, but the node's running config matches what we rendered.
    assert.ok((await runningConfig(node.vtysh)).includes(`neighbor 10.10.0.1 password ${PASSWORD}\n`));
  });

  test('eBGP multihop session to a loopback (update-source) is Established, with a multihop BFD session up on both ends (15.8)', async (t) => {
    await waitEstablished(node.vtysh, '10.255.0.1');
    await waitFor('192.168.155.161/32 at ext', async () => ((await bgpPaths(ext.vtysh, '192.168.155.161/32')).length > 0 ? true : undefined));
    assert.equal((await bgpPeers(ext.vtysh))['10.10.0.3']?.state, 'Established');
    type BfdPeer = { peer: string; local?: string; multihop?: boolean; status: string; 'detect-multiplier'?: number; 'remote-detect-multiplier'?: number; 'minimum-ttl'?: number };
    const up = (vtysh: FrrInstance['vtysh'], peer: string): Promise<BfdPeer> => waitFor(`multihop BFD to ${peer} up`, async () =>
      (await showJson<BfdPeer[]>(vtysh, 'show bfd peers json')).find((p) => p.peer === peer && p.multihop === true && p.status === 'up'), 30_000);
    const [n, e] = [await up(node.vtysh, '10.255.0.1'), await up(ext.vtysh, '10.10.0.3')];
    t.diagnostic(JSON.stringify({ node: [n.peer, n.local, n.multihop, n.status, n['detect-multiplier'], n['minimum-ttl']], ext: [e.peer, e.local, e.multihop, e.status, e['remote-detect-multiplier']] }));
    assert.deepEqual([n.local, e.local], ['10.10.0.3', '10.255.0.1']);
    // The node's BFD profile is in force on the multihop session: its multiplier reaches ext. Its
    // minimumTtl is not: bgpd gives the session the TTL floor of `ebgp-multihop 255` (1), which FRR
    // 8.4 lets win over the profile (seen: minimum-ttl 1 with the profile's 250).
    assert.deepEqual([n['detect-multiplier'], e['remote-detect-multiplier'], n['minimum-ttl']], [4, 4, 1]);
    assert.match(await runningConfig(node.vtysh), /^ profile multihop\n( {2}.*\n)* {2}minimum-ttl 250$/m, 'the profile does say 250');
  });

  test('IPv6 peer learns the IPv6 Service prefix, with its large community', async () => {
    await waitEstablished(node.vtysh, 'fc00:10::1', 'ipv6');
    const [p] = await waitFor('2001:db8:155::10/128 at ext', async () => {
      const paths = await bgpPaths(ext.vtysh, '2001:db8:155::10/128');
      return paths.length > 0 ? paths : undefined;
    });
    assert.equal(p?.largeCommunity?.string, '64520:6:6');
    await waitFor('IPv6 route in ext RIB', async () => ((await ribNexthops(ext.vtysh, '2001:db8:155::10/128')).length === 1 ? true : undefined));
    // Per-neighbor out policy: .160 goes only over the password session, not the multihop one.
    assert.equal((await bgpPaths(ext.vtysh, '192.168.155.160/32')).length, 1, '.160 comes over one session only');
    assert.equal((await bgpPaths(ext.vtysh, '192.168.155.161/32')).length, 1, '.161 comes over one session only');
  });

  test('local-preference is on the route at the iBGP peer', async () => {
    await waitEstablished(node.vtysh, '10.10.0.4');
    const [p] = await waitFor('192.168.155.160/32 at ibgp', async () => {
      const paths = await bgpPaths(ibgp.vtysh, '192.168.155.160/32');
      return paths.length > 0 ? paths : undefined;
    });
    assert.equal(p?.locPrf, 250);
    assert.equal((await bgpPaths(ibgp.vtysh, '192.168.155.161/32')).length, 0, 'not advertised to this peer');
  });

  test("the daemons' vty sockets give the running config vtysh prints (password, multihop, IPv6, communities, local-pref)", async () => {
    assert.deepEqual(await directReadDiff(node), { direct: '', vtysh: '' });
  });

  test('metallb frr-apply: --dry-run prints the delta, then applies and converges (exit 0)', async () => {
    const file = `${node.confDir}/cli-desired.conf`;
    const changed = desired.replace('  network 192.168.155.161/32\n', '  network 192.168.155.161/32\n  network 192.168.155.162/32\n');
    writeFileSync(file, changed);
    const cli = `${repoRoot()}/dist/src/cli.js`;
    const run = promisify(execFile);
    const dry = await run('node', [cli, 'frr-apply', '-f', file, '--vty-socket', node.socketDir, '--dry-run']);
    assert.equal(dry.stdout, 'router bgp 64520\n address-family ipv4 unicast\n  network 192.168.155.162/32\n exit-address-family\nexit\n');
    await run('node', [cli, 'frr-apply', '-f', file, '--vty-socket', node.socketDir]);
    const again = await run('node', [cli, 'frr-apply', '-f', file, '--vty-socket', node.socketDir]);
    assert.match(again.stderr, /already converged/);
    assert.deepEqual(await reloadTestDiff(node, changed), []);
  });
});
