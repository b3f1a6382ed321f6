// `metallb lab` end to end, as a user runs it: up; the seed walkthroughs (002: ECMP from the
// client, a re-created Service asking for .151 with the pool annotation, the node's running config;
// 003: IPAddressPool + empty BGPAdvertisement + loadBalancerIPs; 001: the legacy ConfigMap against
// its own iBGP router); failure drills (speaker killed, a node's link cut, controller and apiserver
// restarted); seeds 000/004 (layer 2 from the legacy ConfigMap, through the node that answers
// ARP); up again (idempotent); down (nothing left behind), also after `up` was killed.
// Waits are bounded polls; timings are measured and printed, never asserted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_ENV, LAB_NAME_ENV, labDir, labPrefix, readState } from '../../src/lab/state.js';
import { alive, pidsTagged, sleep } from '../../src/lab/procs.js';
import { ControlPlane } from '../../src/lab/controlplane.js';
import type { PlaneState } from '../../src/lab/procs.js';
import { agentLog, startAgent, stopAgent } from '../../src/lab/agents.js';
import { repoRoot } from '../../src/util/repo-root.js';
import { poll } from '../helpers/poll.js';
import { RouteMonitor } from '../helpers/route-monitor.js';
import type { Kube, Obj } from '../../src/k8s/client.js';
import {
  lab, seedFile, state, labKube, routerVtysh, bgpRouterVtysh, standInEndpoints, lbService, serviceIP, allServiceIPs,
  routeNexthops, neighbors, bfdPeers, bfdDetectMs,
} from './lab-helpers.js';

// A lab of this test's own (mlb-e2e-proc-*, .cache/lab-e2e-proc), beside any lab a user has up.
process.env[LAB_NAME_ENV] = 'e2e-proc';
const NODES = ['lab-worker-1', 'lab-worker-2'];
const NODE_IPS = ['192.168.133.71', '192.168.133.72'];
const TMP = '/tmp/metallb-lab-test';
let kube: Kube;
/** Measurements the drills print (and the report quotes): never asserted. */
const measured: Record<string, unknown> = {};

const tmpFile = (name: string, body: unknown): string => {
  const f = `${TMP}-${name}.json`;
  writeFileSync(f, JSON.stringify(body));
  return f;
};

async function ipOf(namespace: string, name: string, timeoutMs = 60_000): Promise<string> {
  return poll(`an IP for ${namespace}/${name}`, () => serviceIP(kube, namespace, name), timeoutMs, 200);
}

async function ecmpAtRouter(ip: string, timeoutMs = 90_000): Promise<void> {
  await poll(`${ip} at the router from both nodes`, async () => ((await routeNexthops(routerVtysh(), `${ip}/32`)).join() === NODE_IPS.join() ? true : undefined), timeoutMs, 250);
}

async function curlReachesBothNodes(ip: string, from = 'client'): Promise<void> {
  const seen = new Set<string>();
  await poll(`curl ${ip} from ${from} reaching both nodes`, async () => {
    seen.add((await lab('curl', ip, '--from', from)).out.trim());
    return NODES.every((n) => seen.has(n)) ? true : undefined;
  }, 60_000, 50);
}

async function bfdUpEverywhere(): Promise<void> {
  await poll('BFD up toward both nodes', async () => ((await bfdPeers(routerVtysh())).filter((p) => NODE_IPS.includes(p.peer) && p.status === 'up').length === 2 ? true : undefined), 90_000, 500);
}

async function established(who: string[], timeoutMs = 90_000): Promise<void> {
  await poll(`BGP Established with ${who.join(', ')}`, async () => {
    const n = await neighbors(routerVtysh());
    return who.every((ip) => n[ip]?.bgpState === 'Established') ? true : undefined;
  }, timeoutMs, 500);
}

/** Bytes of a log now, so a wait can look only at what a restarted process wrote after it. */
const logSize = (role: string): number => (existsSync(agentLog(role)) ? statSync(agentLog(role)).size : 0);
const logSince = (role: string, offset: number): string => readFileSync(agentLog(role), 'utf8').slice(offset);

before(async () => {
  // Whatever an earlier, killed run of this file left (its own name: never a user's lab) goes first.
  assert.equal((await lab('down')).code, 0);
  const r = await lab('up', '--nodes', '2', '--processes');
  assert.equal(r.code, 0, r.err);
  kube = labKube();
});

after(async () => {
  if (readState()) await lab('down');
  for (const f of readdirSync('/tmp').filter((n) => n.startsWith('metallb-lab-test'))) rmSync(join('/tmp', f), { force: true });
  console.log(`lab drills measured: ${JSON.stringify(measured)}`);
});

test('seed 002 in the lab: .150 from both nodes, ECMP from the client, BFD up', async () => {
  const svc = await lab('kubectl', 'get', 'svc', 'demo', '-n', 'demo', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}');
  assert.equal(svc.out, '192.168.155.150');
  const route = await lab('vtysh', 'router', '-c', 'show ip route 192.168.155.150');
  assert.match(route.out, /\* 192\.168\.133\.71, via br0/);
  assert.match(route.out, /\* 192\.168\.133\.72, via br0/);
  await curlReachesBothNodes('192.168.155.150');
  await bfdUpEverywhere();
  const summary = await lab('vtysh', 'router', '-c', 'show bgp summary');
  for (const ip of NODE_IPS) assert.match(summary.out, new RegExp(`^${ip.replace(/\./g, '\\.')}\\s`, 'm'));
  const n = await neighbors(routerVtysh());
  assert.deepEqual(NODE_IPS.map((ip) => n[ip]?.bgpState), ['Established', 'Established']);
});

test('re-created with loadBalancerIP .151 and the pool annotation, it gets .151', async () => {
  assert.equal((await lab('kubectl', 'delete', 'svc', 'demo', '-n', 'demo')).code, 0);
  const file = tmpFile('svc-151', {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'demo', namespace: 'demo', annotations: { 'metallb.universe.tf/address-pool': 'address-pool-bgp' } },
    spec: { type: 'LoadBalancer', selector: { app: 'demo' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], loadBalancerIP: '192.168.155.151' },
  });
  assert.equal((await lab('apply', '-f', file)).code, 0);
  assert.equal(await poll('.151', async () => ((await serviceIP(kube, 'demo', 'demo')) === '192.168.155.151' ? '192.168.155.151' : undefined), 60_000, 200), '192.168.155.151');
  await ecmpAtRouter('192.168.155.151');
  await poll('.151 reachable from the client', async () => ((await lab('curl', '192.168.155.151')).out.startsWith('lab-worker') ? true : undefined), 60_000);
});

test('the node\'s running config shows the seed\'s lines', async () => {
  const r = await lab('vtysh', 'lab-worker-1', '-c', 'show running-config');
  for (const line of ['router bgp 64520', ' neighbor 192.168.133.1 remote-as 64521', ' neighbor 192.168.133.1 bfd profile test-bfd-prof', ' neighbor 192.168.133.1 timers 30 90', ' profile test-bfd-prof', '  detect-multiplier 37', '  passive-mode', '  echo-mode', '  minimum-ttl 10']) {
    assert.ok(r.out.split('\n').includes(line), `missing "${line}"`);
  }
});

test('seed 003: IPAddressPool + empty BGPAdvertisement + loadBalancerIPs annotation → 192.168.5.1 at the router', async () => {
  // config/samples (applied by `up`) hold the seed's IPAddressPool and BGPAdvertisement; the Service is the seed's file.
  assert.equal((await lab('apply', '-f', seedFile('003-service.yaml'))).code, 0);
  await kube.apply(standInEndpoints('default', 'nginx', NODES));
  assert.equal(await ipOf('default', 'nginx'), '192.168.5.1');
  await ecmpAtRouter('192.168.5.1');
  await curlReachesBothNodes('192.168.5.1');
});

test('drill: a node\'s speaker killed → its routes stay, no session resets (also when it comes back)', async () => {
  const s = state();
  const role = `speaker-${NODES[0]}`;
  await established(NODE_IPS);
  const before = await neighbors(routerVtysh());
  const routesBefore = await routeNexthops(routerVtysh(), '192.168.155.151/32');
  await stopAgent(s, role, true);
  // Several keepalive periods of the router (3 s): FRR keeps the session and routes on its own.
  for (let i = 0; i < 8; i++) {
    await sleep(1000);
    assert.deepEqual(await routeNexthops(routerVtysh(), '192.168.155.151/32'), routesBefore, 'routes stay while the speaker is down');
  }
  const during = await neighbors(routerVtysh());
  const offset = logSize(role);
  startAgent(s, role);
  // The new speaker reads FRR's running config and finds it already what it wants: no change, no reset.
  const synced = await poll('the restarted speaker in sync with FRR', async () => {
    return logSince(role, offset).split('\n').find((l) => l.includes('"event":"bgp-sync"') && l.includes('"first":true'));
  }, 90_000, 250);
  await sleep(4000); // one more resync period of the speaker (5 s) after its first sync
  const afterRestart = await neighbors(routerVtysh());
  for (const ip of NODE_IPS) {
    assert.equal(during[ip]?.connectionsEstablished, before[ip]?.connectionsEstablished, `${ip}: no reset while the speaker was down`);
    assert.equal(afterRestart[ip]?.connectionsEstablished, before[ip]?.connectionsEstablished, `${ip}: no reset when the speaker came back`);
    assert.equal(afterRestart[ip]?.bgpState, 'Established');
  }
  assert.deepEqual(await routeNexthops(routerVtysh(), '192.168.155.151/32'), routesBefore);
  measured['speakerRestartFirstSync'] = JSON.parse(synced) as unknown;
});

test('drill: a node\'s link cut → the router withdraws that next hop (BFD), and takes it back after', async () => {
  const s = state();
  await bfdUpEverywhere();
  const peer = (await bfdPeers(routerVtysh())).find((p) => p.peer === NODE_IPS[1])!;
  const hold = (await neighbors(routerVtysh()))[NODE_IPS[1]!]?.bgpTimerHoldTimeMsecs;
  const mon = new RouteMonitor(s.router!.ns);
  try {
    await mon.ready;
    const withdrawn = mon.waitFor((e) => e.prefix === '192.168.155.151/32' && !e.nexthops.includes(NODE_IPS[1]!), 120_000, 'the router to withdraw node 2\'s next hop');
    const t0 = performance.now();
    // The router's side of node 2's cable: the router stops hearing it, nothing tells it why.
    execFileSync('ip', ['-n', s.router!.ns, 'link', 'set', 'p2', 'down']);
    const at = await withdrawn;
    const bfdDown = await poll('BFD down for node 2', async () => ((await bfdPeers(routerVtysh())).find((p) => p.peer === NODE_IPS[1])?.status !== 'up' ? true : undefined), 60_000, 200);
    assert.equal(bfdDown, true);
    assert.deepEqual(await routeNexthops(routerVtysh(), '192.168.155.151/32'), [NODE_IPS[0]], 'node 1 still carries the Service');
    // FRR records either "BFD down received" or, when it sent the NOTIFICATION itself, "BGP
    // Notification send" with the reason "Cease/BFD Down": which one depends on timing.
    const n2 = (await neighbors(routerVtysh()))[NODE_IPS[1]!];
    const why = `${n2?.lastResetDueTo ?? ''} (${n2?.lastNotificationReason ?? ''})`;
    assert.match(why, /BFD/i, `the router dropped the session because BFD said so (not the hold timer): ${why}`);
    measured['linkCut'] = { withdrawMs: Math.round(at - t0), bfdDetectMs: bfdDetectMs(peer), bgpHoldMs: hold, resetDueTo: why, bfd: peer };
    execFileSync('ip', ['-n', s.router!.ns, 'link', 'set', 'p2', 'up']);
    await established(NODE_IPS, 120_000);
    await ecmpAtRouter('192.168.155.151', 120_000);
    await bfdUpEverywhere();
  } finally {
    execFileSync('ip', ['-n', s.router!.ns, 'link', 'set', 'p2', 'up']);
    mon.stop();
  }
});

test('drill: controller restarted → no Service IP changes; a Service created meanwhile gets one', async () => {
  const s = state();
  const before = await allServiceIPs(kube);
  await stopAgent(s, 'controller');
  await kube.apply(standInEndpoints('demo', 'during-controller-restart', NODES));
  await kube.apply(lbService('demo', 'during-controller-restart'));
  startAgent(s, 'controller');
  const ip = await ipOf('demo', 'during-controller-restart', 120_000);
  const after = await allServiceIPs(kube);
  delete after['demo/during-controller-restart'];
  assert.deepEqual(after, before);
  await ecmpAtRouter(ip, 120_000);
});

test('drill: apiserver restarted → everything resyncs; a Service created after gets an IP and a route', async () => {
  const s = state();
  const before = await allServiceIPs(kube);
  const plane = new ControlPlane(JSON.parse(readFileSync(s.planeStateFile!, 'utf8')) as PlaneState, s.planeStateFile!, false);
  await plane.restartApiServer(2000);
  await kube.apply(standInEndpoints('demo', 'after-apiserver-restart', NODES));
  await kube.apply(lbService('demo', 'after-apiserver-restart'));
  const ip = await ipOf('demo', 'after-apiserver-restart', 180_000);
  await ecmpAtRouter(ip, 180_000);
  const after = await allServiceIPs(kube);
  delete after['demo/after-apiserver-restart'];
  assert.deepEqual(after, before);
  // Every speaker is still running (none crashed on the lost watches).
  assert.deepEqual(NODES.map((n) => alive(state().pids[`speaker-${n}`]!)), [true, true]);
});

test('seed 001: the legacy ConfigMap (avoid-buggy-ips) → 198.51.100.1 at its iBGP bgp-router, from both nodes', async () => {
  // Seed 001 is a cluster of its own: no CRs, only the ConfigMap. Remove what the other seeds applied.
  for (const [key] of Object.entries(await allServiceIPs(kube))) {
    const [ns, name] = key.split('/');
    assert.equal((await lab('kubectl', 'delete', 'svc', name!, '-n', ns!)).code, 0);
  }
  for (const kind of ['bgppeer', 'bgpadvertisement', 'ipaddresspool', 'addresspool', 'bfdprofile']) {
    assert.equal((await lab('kubectl', 'delete', kind, '--all', '-n', 'metallb-system')).code, 0);
  }
  assert.equal((await lab('apply', '-f', seedFile('001-configmap-bgp.yaml'))).code, 0);
  assert.equal((await lab('apply', '-f', seedFile('001-service.yaml'))).code, 0);
  await kube.apply(standInEndpoints('default', 'demo', NODES));
  // The controller may see the new Service before the deletions of the other seeds' pools (each
  // watch delivers in its own time) and take an IP from one; it then moves it to the ConfigMap's.
  await poll('198.51.100.1 for default/demo', async () => ((await serviceIP(kube, 'default', 'demo')) === '198.51.100.1' ? true : undefined), 60_000, 200);
  const bgpRouter = bgpRouterVtysh();
  await poll('two dynamic neighbors Established at bgp-router', async () => {
    const n = await neighbors(bgpRouter);
    return ['192.168.7.13', '192.168.7.14'].every((ip) => n[ip]?.bgpState === 'Established') ? true : undefined;
  }, 120_000, 500);
  await poll('198.51.100.1/32 learned from both nodes at bgp-router', async () => ((await routeNexthops(bgpRouter, '198.51.100.1/32')).join() === '192.168.7.13,192.168.7.14' ? true : undefined), 120_000, 500);
  const summary = await lab('vtysh', 'bgp-router', '-c', 'show ip bgp summary');
  assert.match(summary.out, /2 dynamic neighbor\(s\), limit 200/);
  await curlReachesBothNodes('198.51.100.1', 'bgp-router');
});

test('seeds 000/004 (layer 2): the legacy layer2 pool gives the first IP of the range; the client reaches it through the one node that answers ARP', async () => {
  const s = state();
  const seeds = [
    { file: '000-configmap-layer2.yaml', ns: 'my-test-app', name: 'hello-openshift-lb', first: '10.19.140.10', onLink: '10.19.140.0/24' },
    { file: '004-configmap-layer2.yaml', ns: 'default', name: 'test', first: '10.128.54.230', onLink: '10.128.54.0/24' },
  ];
  for (const seed of seeds) {
    // Each seed is a cluster of its own: only its `config` ConfigMap and its one Service.
    for (const [key] of Object.entries(await allServiceIPs(kube))) {
      const [ns, name] = key.split('/');
      assert.equal((await lab('kubectl', 'delete', 'svc', name!, '-n', ns!)).code, 0);
    }
    for (const kind of ['bgppeer', 'bgpadvertisement', 'ipaddresspool', 'addresspool', 'bfdprofile', 'l2advertisement']) {
      assert.equal((await lab('kubectl', 'delete', kind, '--all', '-n', 'metallb-system')).code, 0);
    }
    assert.equal((await lab('apply', '-f', seedFile(seed.file))).code, 0);
    await lab('kubectl', 'create', 'namespace', seed.ns);
    await kube.apply(lbService(seed.ns, seed.name));
    await kube.apply(standInEndpoints(seed.ns, seed.name, NODES));
    // As for seed 001: the IP may first come from a pool whose deletion the controller has not seen yet.
    await poll(`${seed.first} for ${seed.ns}/${seed.name}`, async () => ((await serviceIP(kube, seed.ns, seed.name)) === seed.first ? true : undefined), 60_000, 200);
    // The router reaches the pool on the nodes' segment (ARP), as a flat layer 2 network would.
    execFileSync('ip', ['-n', s.router!.ns, 'route', 'replace', seed.onLink, 'dev', 'br0']);
    const leader = await poll(`the layer 2 node of ${seed.first}`, async () => {
      const svc = await kube.get<{ metadata?: { annotations?: Record<string, string> } } & Obj>({ apiVersion: 'v1', kind: 'Service', name: seed.name, namespace: seed.ns });
      return svc?.metadata?.annotations?.['metallb.io/layer2-ipv4-node'];
    }, 60_000, 200);
    assert.ok(NODES.includes(leader), leader);
    // Every answer comes from the leader: curl from the client lands on it, and the router's
    // neighbour entry for the IP is the leader's MAC.
    for (let i = 0; i < 5; i++) {
      const answer = await poll(`curl ${seed.first} from the client`, async () => (await lab('curl', seed.first)).out.trim() || undefined, 60_000, 200);
      assert.equal(answer, leader);
    }
    const node = s.nodes.find((n) => n.name === leader)!;
    const mac = /link\/ether (\S+)/.exec(execFileSync('ip', ['-n', node.ns, 'link', 'show', 'eth0'], { encoding: 'utf8' }))?.[1];
    const neigh = execFileSync('ip', ['-n', s.router!.ns, 'neigh', 'show', seed.first], { encoding: 'utf8' });
    assert.match(neigh, new RegExp(`lladdr ${mac}`), `router neighbour entry ${neigh.trim()} (leader ${leader} has ${mac})`);
    execFileSync('ip', ['-n', s.router!.ns, 'route', 'del', seed.onLink, 'dev', 'br0']);
  }
});

test('up twice is harmless; down leaves no process, namespace or file', async () => {
  const again = await lab('up', '--processes');
  assert.equal(again.code, 0);
  assert.match(again.err, /already up/);
  const s = readState()!;
  const plane = JSON.parse(readFileSync(s.planeStateFile!, 'utf8')) as PlaneState;
  const pids = [...Object.values(s.pids), ...s.frrPids, ...Object.values(plane.procs).map((p) => p.pid)];
  const namespaces = [...s.namespaces];
  assert.equal((await lab('down')).code, 0);
  assert.equal(readState(), undefined);
  assert.deepEqual(pids.filter(alive), []);
  assert.deepEqual(pidsTagged(LAB_ENV, s.tag!), []);
  assert.deepEqual(namespaces.filter((ns) => existsSync(`/run/netns/${ns}`)), []);
  assert.equal(existsSync(plane.dir), false, 'the control plane\'s directory is gone');
  assert.equal(existsSync(labDir()), false, 'the lab\'s state and logs are gone');
  assert.deepEqual(leftovers(), []);
});

/** Anything named like the lab's that still exists: namespaces, FRR directories, temp files. */
function leftovers(): string[] {
  const found: string[] = [];
  for (const dir of ['/run/netns', '/etc/frr', '/var/run/frr', '/tmp']) {
    try {
      found.push(...readdirSync(dir).filter((n) => n.startsWith(labPrefix())).map((n) => join(dir, n)));
    } catch {
      /* no such directory */
    }
  }
  return found;
}

test('down after `up` was killed half-way leaves nothing either', async () => {
  const child = spawn(process.execPath, [join(repoRoot(), 'dist/src/cli.js'), 'lab', 'up', '--processes'], { stdio: 'ignore' });
  // Kill it once it has started the control plane, namespaces, FRRs and some agents, before it finishes.
  await poll('`lab up` half-way (agents started)', async () => (readState()?.pids['controller'] !== undefined ? true : undefined), 180_000, 50);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const s = readState()!;
  const plane = JSON.parse(readFileSync(s.planeStateFile!, 'utf8')) as PlaneState;
  const pids = [...Object.values(s.pids), ...s.frrPids, ...Object.values(plane.procs).map((p) => p.pid)];
  assert.ok(pids.some(alive), 'the killed `up` left processes running (that down must stop)');
  assert.equal((await lab('down')).code, 0);
  assert.deepEqual(pids.filter(alive), []);
  assert.deepEqual(pidsTagged(LAB_ENV, s.tag!), [], 'no process the lab started is left, recorded or not');
  assert.equal(existsSync(plane.dir), false);
  assert.equal(readState(), undefined);
  assert.deepEqual(leftovers(), []);
});
