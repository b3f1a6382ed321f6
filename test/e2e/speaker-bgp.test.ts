// The whole BGP chain with real components: seed 002's CRs on a real control plane, our
// controller allocating, two speakers (one per simulated node) driving FRR in network namespaces,
// and the seed's external router. What the router learns is what a user would see.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getTestCluster } from '../helpers/controlplane.js';
import type { ControlPlane } from '../helpers/controlplane.js';
import { Kube } from '../../src/k8s/client.js';
import type { Obj } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { silentLogger } from '../../src/util/log.js';
import { runController } from '../../src/controller/run.js';
import type { ControllerHandle } from '../../src/controller/run.js';
import { runSpeaker } from '../../src/speaker/run.js';
import type { SpeakerHandle } from '../../src/speaker/run.js';
import { startSeedLab, waitEstablished, connectionsEstablished, ribNexthops, NODE_IPS, ROUTER_IP } from '../frr/seed-lab.js';
import type { SeedLab } from '../frr/seed-lab.js';
import { frrUnavailable, waitFor, showJson } from '../../src/lab/netns.js';
import { M } from '../../src/metrics/catalog.js';

const NS = 'metallb-e2e';
const APPS = 'test-metallb';
const NODES = ['worker-0', 'worker-1'];
let cp: ControlPlane;
let admin: Kube;
let lab: SeedLab;
let controller: ControllerHandle;
const speakers: SpeakerHandle[] = [];

const cr = (kind: string, name: string, spec: Record<string, unknown>): Obj => ({ apiVersion: 'metallb.io/v1beta1', kind, metadata: { name, namespace: NS }, spec });
const service = (name: string, etp = 'Cluster'): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: APPS }, spec: { type: 'LoadBalancer', externalTrafficPolicy: etp, selector: { app: name }, ports: [{ port: 80, protocol: 'TCP', targetPort: 9376 }] } });
/** EndpointSlices are ours to write here: no kubelet runs pods, so none would exist. */
const slice = (svc: string, nodes: string[]): Obj => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: `${svc}-e2e`, namespace: APPS, labels: { 'kubernetes.io/service-name': svc, 'endpointslice.kubernetes.io/managed-by': 'e2e-test' } },
  addressType: 'IPv4', endpoints: nodes.map((n, i) => ({ addresses: [`10.131.0.${i + 10}`], nodeName: n, conditions: { ready: true } })), ports: [{ port: 9376, protocol: 'TCP' }],
});

async function ipOf(name: string): Promise<string> {
  return waitFor(`an IP for ${name}`, async () => {
    const s = await admin.get<Obj>({ apiVersion: 'v1', kind: 'Service', name, namespace: APPS });
    return ((s?.['status'] as { loadBalancer?: { ingress?: { ip: string }[] } })?.loadBalancer?.ingress ?? [])[0]?.ip;
  }, 30_000);
}

const routerNexthops = (prefix: string): Promise<string[]> => ribNexthops(lab.router.vtysh, prefix);

before(async () => {
  const missing = frrUnavailable();
  if (missing) throw new Error(`FRR is required for this test (make test installs it): ${missing}`);
  cp = await getTestCluster();
  admin = new Kube(loadKubeConfig(cp.kubeconfigPath), 'e2e');
  await cp.kubectl(['create', 'namespace', NS]);
  await cp.kubectl(['create', 'namespace', APPS]);
  for (const n of NODES) await admin.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: n, labels: { 'node-role.kubernetes.io/worker': '', 'kubernetes.io/os': 'linux' } } });
  // seed 002's CRs, as written
  await admin.apply(cr('AddressPool', 'address-pool-bgp', { protocol: 'bgp', autoAssign: true, addresses: ['192.168.155.150/32', '192.168.155.151/32', '192.168.155.152/32', '192.168.155.153/32', '192.168.155.154/32', '192.168.155.155/32'] }));
  await admin.apply(cr('BFDProfile', 'test-bfd-prof', { detectMultiplier: 37, echoMode: true, minimumTtl: 10, passiveMode: true, receiveInterval: 35, transmitInterval: 35 }));
  await admin.apply(cr('BGPPeer', 'peer-test', { bfdProfile: 'test-bfd-prof', myASN: 64520, peerASN: 64521, peerAddress: ROUTER_IP }));
  lab = await startSeedLab('e2e');
  controller = await runController({ kube: new Kube(loadKubeConfig(cp.kubeconfigPath), 'metallb-controller'), log: silentLogger(), namespace: NS, identity: 'e2e', leaseDurationSeconds: 4, renewMs: 500 });
  for (const [i, node] of NODES.entries()) {
    speakers.push(await runSpeaker({ kube: new Kube(loadKubeConfig(cp.kubeconfigPath), `metallb-speaker-${node}`), vtysh: lab.nodes[i]!.vtysh, node, namespace: NS, log: silentLogger(), statusIntervalMs: 1000 }));
  }
});

after(async () => {
  for (const s of speakers) await s.stop();
  await controller?.stop();
  await lab?.lab.destroy();
  // Nodes are cluster-scoped: leave none behind for the test files that run after this one.
  for (const n of NODES) await admin?.delete({ apiVersion: 'v1', kind: 'Node', name: n });
});

test('seed 002: sessions Established, BFD up with the seed profile, .150 learned from both nodes (ECMP)', async () => {
  for (const ip of NODE_IPS) await waitEstablished(lab.router.vtysh, ip);
  await admin.apply(service('test-frr'));
  await admin.apply(slice('test-frr', ['worker-1']));
  const ip = await ipOf('test-frr');
  assert.equal(ip, '192.168.155.150');
  const hops = await waitFor('ECMP at the router', async () => ((await routerNexthops(`${ip}/32`)).length === 2 ? routerNexthops(`${ip}/32`) : undefined), 30_000);
  assert.deepEqual(hops, [...NODE_IPS]);
  let last: unknown;
  const bfd = await waitFor('BFD up', async () => {
    const peers = await showJson<{ peer: string; status: string; 'remote-detect-multiplier'?: number }[]>(lab.router.vtysh, 'show bfd peers json');
    last = peers;
    const up = peers.filter((p) => p.status === 'up' && p['remote-detect-multiplier'] === 37);
    return up.length === 2 ? up : undefined;
  }, 60_000).catch(async (e: unknown) => {
    const nodeSide = await Promise.all(lab.nodes.map((n) => showJson(n.vtysh, 'show bfd peers json')));
    throw new Error(`${String(e)}: router ${JSON.stringify(last)} nodes ${JSON.stringify(nodeSide)} loops ${JSON.stringify(speakers.map((x) => x.loop.stats))}`);
  });
  assert.ok(bfd.every((p) => p['remote-detect-multiplier'] === 37), JSON.stringify(bfd));
  // BFD came up without resetting the session it protects: bgpd registered it once, with the
  // session's final addresses (bfd-gate.ts), so no Cease/BFD Down followed the first Established.
  assert.deepEqual(await Promise.all(lab.nodes.map((n) => connectionsEstablished(n.vtysh, ROUTER_IP))), [1, 1], 'each node brought its session up exactly once');
  // and the BGPPeer status reports BFD up for both nodes
  await waitFor('bfdState Up in BGPPeer status', async () => {
    const p = await admin.get<Obj>({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', name: 'peer-test', namespace: NS });
    const s = ((p?.['status'] as { sessions?: { bfdState: string }[] })?.sessions ?? []).filter((x) => x.bfdState.toLowerCase() === 'up');
    return s.length === 2 ? true : undefined;
  }, 30_000);
});

test('the node config shows the seed lines; status and Events tell the truth', async () => {
  const running = (await lab.nodes[0]!.vtysh.run(['-c', 'show running-config'])).stdout;
  for (const line of ['router bgp 64520', ' neighbor 192.168.133.1 remote-as 64521', ' neighbor 192.168.133.1 bfd profile test-bfd-prof', ' neighbor 192.168.133.1 timers 30 90', '  detect-multiplier 37', '  minimum-ttl 10']) {
    assert.ok(running.split('\n').includes(line), `missing "${line}"`);
  }
  const sessions = await waitFor('BGPPeer status for both nodes', async () => {
    const p = await admin.get<Obj>({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', name: 'peer-test', namespace: NS });
    const s = ((p?.['status'] as { sessions?: { node: string; state: string; bfdState: string }[] })?.sessions ?? []).filter((x) => x.state === 'Established');
    return s.length === 2 ? s : undefined;
  }, 30_000);
  assert.deepEqual(sessions.map((s) => s.node).sort(), NODES);
  const r = await cp.kubectl(['get', 'events', '-n', APPS, '--field-selector', 'involvedObject.name=test-frr', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
  assert.match(r.stdout, /IPAllocated: Assigned IP \["192.168.155.150"\]/);
  assert.match(r.stdout, /nodeAssigned: announcing from node "worker-0"/);
  assert.match(r.stdout, /nodeAssigned: announcing from node "worker-1"/);
  // one ServiceBGPStatus per announcing node, naming the peer (as upstream's `oc get servicebgpstatus`)
  await bgpRecordsBecome('test-frr', [['worker-0', ['peer-test']], ['worker-1', ['peer-test']]]);
  const table = await cp.kubectl(['get', 'servicebgpstatus', '-n', NS, '-l', 'metallb.io/service-name=test-frr']);
  assert.match(table.stdout, /NODE\s+SERVICE NAME\s+SERVICE NAMESPACE/);
});

test('adding a Service does not reset the sessions; ETP Local is announced only where the endpoint is', async () => {
  const before = await Promise.all(NODE_IPS.map((ip) => connectionsEstablished(lab.router.vtysh, ip)));
  await admin.apply(service('local', 'Local'));
  await admin.apply(slice('local', ['worker-0']));
  const ip = await ipOf('local');
  const hops = await waitFor('the Local route', async () => {
    const h = await routerNexthops(`${ip}/32`);
    return h.length > 0 ? h : undefined;
  }, 30_000);
  assert.deepEqual(hops, [NODE_IPS[0]]);
  const after = await Promise.all(NODE_IPS.map((p) => connectionsEstablished(lab.router.vtysh, p)));
  assert.deepEqual(after, before, 'a session was reset');
  await bgpRecordsBecome('local', [['worker-0', ['peer-test']]]);
});

test('deleting a Service withdraws its route', async () => {
  const ip = await ipOf('local');
  await admin.delete({ apiVersion: 'v1', kind: 'Service', name: 'local', namespace: APPS });
  await waitFor('the route withdrawn', async () => ((await routerNexthops(`${ip}/32`)).length === 0 ? true : undefined), 30_000);
  await bgpRecordsBecome('local', []);
});

/** ServiceBGPStatus of a Service, as [node, peers] per record, once it is `want`. */
const bgpRecordsBecome = (name: string, want: [string, string[]][]): Promise<true> =>
  waitFor(`ServiceBGPStatus of ${name} = ${JSON.stringify(want)}`, async () => {
    const recs = await admin.list<Obj>('metallb.io/v1beta1', 'ServiceBGPStatus', NS, `metallb.io/service-name=${name},metallb.io/service-namespace=${APPS}`);
    const got = recs.map((r) => [(r['status'] as { node?: string }).node, (r['status'] as { peers?: string[] }).peers]).sort();
    return JSON.stringify(got) === JSON.stringify(want) ? true : undefined;
  }, 30_000);

/** The ConfigError Events on `name`, once `want` of them match `like` (a speaker that has not read a new Secret yet first says so). */
const events = async (name: string, want: number, like = /./): Promise<string[]> =>
  waitFor(`${want} ConfigError Events on ${name}`, async () => {
    const r = await cp.kubectl(['get', 'events', '-n', NS, '--field-selector', `involvedObject.name=${name},reason=ConfigError`, '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
    const lines = r.stdout.split('\n').filter(Boolean);
    return lines.filter((l) => like.test(l)).length >= want ? lines : undefined;
  }, 30_000);

test('bad BGPPeers are skipped one by one: Events and status name them, the rest of the config is applied, /healthz stays up (issue 18.1)', async () => {
  const ip = await ipOf('test-frr');
  const running = (): Promise<string[]> => Promise.all(lab.nodes.map(async (n) => (await n.vtysh.run(['-c', 'show running-config'])).stdout));
  const before = await running();
  // No CRD schema sees a Secret's value: the speaker is where this must be caught.
  await admin.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bad-pw', namespace: NS }, type: 'kubernetes.io/basic-auth', stringData: { password: 'x\nrouter bgp 666' } });
  await admin.apply({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'bad-secret', namespace: NS }, spec: { myASN: 64520, peerASN: 64530, peerAddress: '192.168.133.9', passwordSecret: { name: 'bad-pw', namespace: NS } } });
  await admin.apply({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'no-bfd', namespace: NS }, spec: { myASN: 64520, peerASN: 64531, peerAddress: '192.168.133.8', bfdProfile: 'ghost' } });
  // A second peer for the router's address: the older one keeps its session.
  await admin.apply({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'a-duplicate', namespace: NS }, spec: { myASN: 64520, peerASN: 64521, peerAddress: ROUTER_IP, holdTime: '9s' } });
  const lineBreak = /^node "worker-[01]" skips this BGPPeer and applies the rest of its config: BGPPeer bad-secret: the password in Secret metallb-e2e\/bad-pw contains a line break/;
  const secretEvents = await events('bad-secret', 2, lineBreak);
  assert.deepEqual(secretEvents.filter((m) => lineBreak.test(m)).map((m) => m.slice(6, 14)).sort(), ['worker-0', 'worker-1']);
  assert.ok(secretEvents.every((m) => !m.includes('router bgp 666')), 'the password must not be echoed');
  for (const m of await events('no-bfd', 2)) assert.match(m, /BGPPeer no-bfd: BFDProfile "ghost" does not exist/);
  for (const m of await events('a-duplicate', 2)) assert.match(m, /BGPPeer a-duplicate: an older BGPPeer already peers with 192\.168\.133\.1/);
  const status = await waitFor('Skipped entries in the status of bad-secret', async () => {
    const p = await admin.get<Obj>({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', name: 'bad-secret', namespace: NS });
    const list = ((p?.['status'] as { sessions?: { node: string; state: string; problem?: string }[] })?.sessions ?? []).filter((x) => x.state === 'Skipped');
    // A node's status entry may first say the new Secret is not read yet (as its first Event may).
    return list.length === 2 && list.every((x) => /contains a line break/.test(x.problem ?? '')) ? list : undefined;
  }, 30_000);
  assert.deepEqual(status.map((x) => x.node).sort(), ['worker-0', 'worker-1']);
  assert.deepEqual(await running(), before, 'the skipped peers reached FRR, or the good config changed');
  // The rest goes on: a new Service is announced from both nodes and a deleted one withdrawn.
  await admin.apply(service('while-bad'));
  await admin.apply(slice('while-bad', ['worker-0']));
  const newIp = await ipOf('while-bad');
  await waitFor('the new route from both nodes', async () => ((await routerNexthops(`${newIp}/32`)).length === 2 ? true : undefined), 30_000);
  await admin.delete({ apiVersion: 'v1', kind: 'Service', name: 'while-bad', namespace: APPS });
  await waitFor('the deleted Service withdrawn', async () => ((await routerNexthops(`${newIp}/32`)).length === 0 ? true : undefined), 30_000);
  assert.equal((await routerNexthops(`${ip}/32`)).length, 2, 'the seed route must stay, from both nodes');
  for (const sp of speakers) {
    assert.equal(sp.loop.healthy(), true);
    assert.equal(sp.loop.lastError, undefined);
    assert.equal(await sp.metrics.get(M.skippedObjects, { kind: 'BGPPeer', name: 'bad-secret' }), 1);
  }
  for (const name of ['bad-secret', 'no-bfd', 'a-duplicate']) await admin.delete({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', name, namespace: NS });
  await admin.delete({ apiVersion: 'v1', kind: 'Secret', name: 'bad-pw', namespace: NS });
  await waitFor('nothing skipped any more', async () => (speakers.every((sp) => sp.loop.lastPlan?.skipped.length === 0) ? true : undefined), 30_000);
  assert.deepEqual(await Promise.all(speakers.map((sp) => sp.metrics.get(M.skippedObjects, { kind: 'BGPPeer', name: 'bad-secret' }))), [undefined, undefined]);
  assert.deepEqual(await Promise.all(lab.nodes.map((n) => connectionsEstablished(n.vtysh, ROUTER_IP))), [1, 1], 'no session was reset by any of it');
});

test('aggregationLength 0 never reaches FRR: no default route at the router, an Event on the BGPAdvertisement (issue 18.2)', async () => {
  await admin.apply(cr('IPAddressPool', 'agg-pool', { addresses: ['192.168.156.0/28'] }));
  await admin.apply(cr('BGPAdvertisement', 'to-default', { ipAddressPools: ['agg-pool'], aggregationLength: 0 }));
  const svc = service('agg');
  (svc.metadata as { annotations?: Record<string, string> }).annotations = { 'metallb.universe.tf/address-pool': 'agg-pool' };
  await admin.apply(svc);
  await admin.apply(slice('agg', ['worker-0']));
  const ip = await ipOf('agg');
  assert.match(ip, /^192\.168\.156\./);
  for (const m of await events('to-default', 2)) assert.match(m, /BGPAdvertisement to-default: aggregationLength 0 is shorter than \/28 in pool agg-pool \(addresses 192\.168\.156\.0\/28\): it would announce addresses outside the pool/);
  await Promise.all(speakers.map((sp) => sp.loop.idle()));
  for (const n of lab.nodes) assert.doesNotMatch((await n.vtysh.run(['-c', 'show running-config'])).stdout, /network 0\.0\.0\.0\/0|192\.168\.156\./);
  assert.deepEqual(await routerNexthops('0.0.0.0/0'), []);
  assert.deepEqual(await routerNexthops(`${ip}/32`), []);
  // A fixed advertisement announces it; the skip was the advertisement's alone.
  await admin.apply(cr('BGPAdvertisement', 'to-default', { ipAddressPools: ['agg-pool'], aggregationLength: 28 }));
  await waitFor('the /28 at the router', async () => ((await routerNexthops('192.168.156.0/28')).length === 2 ? true : undefined), 30_000);
  await admin.delete({ apiVersion: 'v1', kind: 'Service', name: 'agg', namespace: APPS });
  await admin.delete({ apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', name: 'to-default', namespace: NS });
  await admin.delete({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', name: 'agg-pool', namespace: NS });
});

// 15.8: dynamicASN, with the router configured to match: `remote-as external` against the
// router's 64521, then iBGP (`remote-as internal`, both sides in 64521), then back to the seed.
test('dynamicASN external and internal: sessions Established with the AS learned, the prefix received at the router', async (t) => {
  const peerRef = { apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', name: 'peer-test', namespace: NS };
  type Neighbor = { bgpState?: string; remoteAs?: number; localAs?: number };
  const nodeSide = async (): Promise<{ state: string; remoteAs: number; localAs: number }[]> => Promise.all(lab.nodes.map(async (n) => {
    const p = (await showJson<Record<string, Neighbor>>(n.vtysh, `show bgp neighbor ${ROUTER_IP} json`))[ROUTER_IP] ?? {};
    return { state: p.bgpState ?? '', remoteAs: p.remoteAs ?? 0, localAs: p.localAs ?? 0 };
  }));
  const configured = (re: RegExp): Promise<true> => waitFor(`${re} in both nodes' running config`, async () =>
    ((await Promise.all(lab.nodes.map((n) => n.vtysh.run(['-c', 'show running-config'])))).every((r) => re.test(r.stdout)) ? true : undefined), 30_000);
  const sessions = (localAs: number): Promise<unknown> => waitFor(`both nodes Established as AS ${localAs} with the router's 64521`, async () => {
    const s = await nodeSide();
    return s.every((x) => x.state === 'Established' && x.remoteAs === 64521 && x.localAs === localAs) ? s : undefined;
  }, 60_000).catch(async (e: unknown) => { throw new Error(`${String(e)}: ${JSON.stringify(await nodeSide())}`); });
  const received = (ip: string, n: number): Promise<unknown> => waitFor(`${ip}/32 at the router from ${n} node(s)`, async () => ((await routerNexthops(`${ip}/32`)).length >= n ? true : undefined), 60_000);
  const routerConf = (...lines: string[]): Promise<unknown> => lab.router.vtysh.run(['-c', 'configure terminal', '-c', 'router bgp 64521', ...lines.flatMap((l) => ['-c', l])]);

  await admin.apply(service('dyn'));
  await admin.apply(slice('dyn', NODES));
  const ip = await ipOf('dyn');
  await received(ip, 2);

  await admin.mergePatch(peerRef, { spec: { peerASN: null, dynamicASN: 'external' } });
  await configured(/neighbor 192\.168\.133\.1 remote-as external/);
  t.diagnostic(`dynamicASN external: ${JSON.stringify(await sessions(64520))}`);
  await received(ip, 2);

  // iBGP: the router takes the nodes as internal peers, the nodes move into AS 64521.
  await routerConf('neighbor metallb remote-as internal');
  await admin.mergePatch(peerRef, { spec: { myASN: 64521, dynamicASN: 'internal' } });
  await configured(/router bgp 64521[\s\S]*neighbor 192\.168\.133\.1 remote-as internal/);
  t.diagnostic(`dynamicASN internal: ${JSON.stringify(await sessions(64521))}`);
  await received(ip, 1);

  // Back to seed 002 as written.
  await admin.mergePatch(peerRef, { spec: { myASN: 64520, dynamicASN: null, peerASN: 64521 } });
  await routerConf('neighbor metallb remote-as 64520');
  await configured(/router bgp 64520[\s\S]*neighbor 192\.168\.133\.1 remote-as 64521/);
  await sessions(64520);
  await received(ip, 2);
  await admin.delete({ apiVersion: 'v1', kind: 'Service', name: 'dyn', namespace: APPS });
});
