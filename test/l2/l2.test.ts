// Layer 2 end to end with real components: a real control plane, our controller allocating, three
// `metallb speaker` processes (one per node namespace, each with its FRR), bridges and clients in
// network namespaces. What the clients' arping, ndisc6, kernel neighbour table and TCP
// connections see is what a user on that segment would see.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startControlPlane } from '../helpers/controlplane.js';
import type { ControlPlane } from '../helpers/controlplane.js';
import { Kube } from '../../src/k8s/client.js';
import type { Obj } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { silentLogger } from '../../src/util/log.js';
import { runController } from '../../src/controller/run.js';
import type { ControllerHandle } from '../../src/controller/run.js';
import { frrUnavailable, waitFor } from '../../src/lab/netns.js';
import { repoRoot } from '../../src/util/repo-root.js';
import { packetIO } from '../../src/speaker/l2/raw.js';
import { neighborSolicitation, parseNeighborAdvertisement } from '../../src/speaker/l2/ndp.js';
import { formatMAC, ipBytes, parseMAC } from '../../src/speaker/l2/frame.js';
import { parseArp } from '../../src/speaker/l2/arp.js';
import { layer2NodeAnnotation } from '../../src/api/object-names.js';
import { acceptOnNodes, arping, destroyL2Lab, flushNeigh, ndisc, neighMAC, startL2Lab, startSpeaker, startTcpServer, stopSpeaker, tcpHello } from './l2-lab.js';
import type { L2Lab, L2Node } from './l2-lab.js';
import { sample, scrape } from '../helpers/scrape.js';
import { M } from '../../src/metrics/catalog.js';
import { createServer } from 'node:net';

const NS = 'metallb-system';
const APPS = 'l2-apps';
const NODES = ['l2-node-1', 'l2-node-2', 'l2-node-3'];
const PORT = 8080;
let cp: ControlPlane;
let admin: Kube;
let lab: L2Lab;
let controller: ControllerHandle;
/** Each first speaker's /metrics port (plain HTTP on loopback: TLS is tested in test/e2e/metrics.test.ts). */
const metricsPorts = new Map<string, number>();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

const cr = (kind: string, name: string, spec: Record<string, unknown>): Obj => ({ apiVersion: 'metallb.io/v1beta1', kind, metadata: { name, namespace: NS }, spec });
const service = (name: string, ns: string, extra: Record<string, unknown> = {}): Obj =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', selector: { app: name }, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: PORT }], ...extra } });
/** No kubelet runs pods here, so the test writes the ready endpoint a pod would have. */
const slice = (svc: string, ns: string, node: string): Obj =>
  ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: `${svc}-l2`, namespace: ns, labels: { 'kubernetes.io/service-name': svc, 'endpointslice.kubernetes.io/managed-by': 'l2-test' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.131.0.10'], nodeName: node, conditions: { ready: true } }], ports: [{ port: PORT, protocol: 'TCP' }] });

async function ipOf(name: string, ns: string): Promise<string> {
  return waitFor(`an IP for ${ns}/${name}`, async () => {
    const s = await admin.get<Obj>({ apiVersion: 'v1', kind: 'Service', name, namespace: ns });
    return ((s?.['status'] as { loadBalancer?: { ingress?: { ip: string }[] } })?.loadBalancer?.ingress ?? [])[0]?.ip;
  }, 30_000);
}

/** The node the Service's annotation names for `ip`, once it names one (and, if given, not `not`). */
async function leaderOf(name: string, ns: string, ip: string, not?: string): Promise<L2Node> {
  const node = await waitFor(`the layer 2 node of ${ns}/${name}`, async () => {
    const s = await admin.get<Obj>({ apiVersion: 'v1', kind: 'Service', name, namespace: ns });
    const n = s?.metadata?.annotations?.[layer2NodeAnnotation(ip)];
    return n && n !== not ? n : undefined;
  }, 30_000);
  return lab.nodes.find((n) => n.name === node)!;
}

/** Creates a Service with a ready endpoint on `node`; its IP (on every node's lo) and the node that leads it. */
async function expose(name: string, ns: string, node: string, extra: Record<string, unknown> = {}): Promise<{ ip: string; leader: L2Node }> {
  await admin.apply(service(name, ns, extra));
  await admin.apply(slice(name, ns, node));
  const ip = await ipOf(name, ns);
  await acceptOnNodes(lab, ip);
  return { ip, leader: await leaderOf(name, ns, ip) };
}

const unique = (xs: string[]): string[] => [...new Set(xs)].sort();

/** The ServiceL2Status records about a Service: [node, ips, interfaces] each. */
async function l2Records(name: string, ns: string): Promise<[string, string[], string[]][]> {
  const recs = await admin.list<Obj>('metallb.io/v1beta1', 'ServiceL2Status', NS, `metallb.io/service-name=${name},metallb.io/service-namespace=${ns}`);
  return recs
    .map((r): [string, string[], string[]] => {
      const s = r['status'] as { node?: string; ips?: string[]; interfaces?: { name: string }[] } | undefined;
      return [s?.node ?? '', s?.ips ?? [], (s?.interfaces ?? []).map((i) => i.name)];
    })
    .sort();
}

/** Waits until the records are exactly `want`. */
const recordsBecome = (name: string, ns: string, want: [string, string[], string[]][]): Promise<true> =>
  waitFor(`ServiceL2Status of ${ns}/${name} = ${JSON.stringify(want)}`, async () => (JSON.stringify(await l2Records(name, ns)) === JSON.stringify(want) ? true : undefined), 20_000);
/** Probes (arping, ndisc6) until some MAC answers; those MACs. */
const answers = (what: string, probe: () => Promise<string[]>): Promise<string[]> => waitFor(what, async () => {
  const m = await probe();
  return m.length > 0 ? m : undefined;
}, 20_000);

async function events(name: string, ns: string): Promise<string> {
  const r = await cp.kubectl(['get', 'events', '-n', ns, '--field-selector', `involvedObject.name=${name}`, '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
  return r.stdout;
}

/** Sends one NS for `target` from c0 (unicast to `toMAC` when given) and collects the NAs for 1 s. */
async function solicit(target: string, toMAC?: string): Promise<string[]> {
  const io = packetIO(lab.clients[0]);
  const me = io.interfaces().find((i) => i.name === 'eth0')!;
  const got: string[] = [];
  const sock = io.open('eth0', (f) => {
    const na = parseNeighborAdvertisement(f);
    // solicited only: the leader's unsolicited takeover announcements may still be going out
    if (na && na.solicited && na.targetMAC && ipBytes(target).equals(na.target)) got.push(formatMAC(na.targetMAC));
  }, { accept: 'neighbor' });
  try {
    sock.send(neighborSolicitation(me.mac, ipBytes('fc00:77::100'), ipBytes(target), toMAC ? parseMAC(toMAC) : undefined));
    await new Promise((r) => setTimeout(r, 1000));
  } finally {
    sock.close();
  }
  return got;
}

before(async () => {
  const missing = frrUnavailable();
  if (missing) throw new Error(`root and FRR are required for this test (make test installs FRR): ${missing}`);
  // A control plane of its own: the controller here serves every LoadBalancer Service in the
  // cluster from metallb-system, so Services and pools other test files leave in the shared plane
  // would take the IPs the seeds must get.
  cp = await startControlPlane({ withControllerManager: false });
  await cp.installCRDs();
  admin = new Kube(loadKubeConfig(cp.kubeconfigPath), 'l2-test');
  for (const ns of [NS, APPS, 'my-test-app']) await cp.kubectl(['create', 'namespace', ns]);
  for (const n of NODES) await admin.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: n, labels: { 'kubernetes.io/os': 'linux' } } });
  controller = await runController({ kube: new Kube(loadKubeConfig(cp.kubeconfigPath), 'metallb-controller'), log: silentLogger(), namespace: NS, identity: 'l2-test', leaseDurationSeconds: 4, renewMs: 500 });
  lab = await startL2Lab('l2', cp.kubeconfigPath, NS, NODES);
  for (const n of lab.nodes) {
    const port = await freePort();
    metricsPorts.set(n.name, port);
    startSpeaker(lab, n, ['--metrics-address', `127.0.0.1:${port}`]);
    startTcpServer(lab, n, PORT);
  }
  // every speaker is live once its Lease exists
  await waitFor('three liveness Leases', async () => ((await admin.list('coordination.k8s.io/v1', 'Lease', NS, 'metallb.io/speaker-liveness')).length === 3 ? true : undefined), 30_000);
});

after(async () => {
  await destroyL2Lab(lab);
  await controller?.stop();
  await cp?.stop();
});

async function seedCase(file: string, svcName: string, svcNs: string, firstIP: string): Promise<void> {
  const r = await cp.kubectl(['apply', '-f', join(repoRoot(), file)]);
  assert.equal(r.code, 0, r.stderr);
  const { ip, leader } = await expose(svcName, svcNs, NODES[1]!);
  assert.equal(ip, firstIP, 'the first IP of the ConfigMap range');
  const macs = await answers('an ARP answer', () => arping(lab.clients[0], ip));
  assert.deepEqual(unique(macs), [leader.macs[0]], 'only the leader answers, with its eth0 MAC');
  assert.equal(await tcpHello(lab.clients[0], ip, PORT), leader.name);
  assert.equal(await neighMAC(lab.clients[0], ip), leader.macs[0]);
  assert.match(await events(svcName, svcNs), new RegExp(`nodeAssigned: announcing from node "${leader.name}" with protocol "layer2"`));
  // no ready endpoint any more: no node may announce it; it goes silent and the annotation goes
  await admin.delete({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', name: `${svcName}-l2`, namespace: svcNs });
  await waitFor('no more answers', async () => ((await arping(lab.clients[0], ip, 2)).length === 0 ? true : undefined), 20_000);
  await waitFor('the annotation removed', async () => {
    const s = await admin.get<Obj>({ apiVersion: 'v1', kind: 'Service', name: svcName, namespace: svcNs });
    return s?.metadata?.annotations?.[layer2NodeAnnotation(ip)] === undefined ? true : undefined;
  }, 20_000);
  await recordsBecome(svcName, svcNs, []);
  await admin.delete({ apiVersion: 'v1', kind: 'Service', name: svcName, namespace: svcNs });
  await cp.kubectl(['delete', '-f', join(repoRoot(), file)]);
}

test('seed 000 as written: the ConfigMap pool gives 10.19.140.10; the leader answers; the client connects', async () => {
  assert.match(readFileSync(join(repoRoot(), 'test/fixtures/seeds/000-configmap-layer2.yaml'), 'utf8'), /10\.19\.140\.10-10\.19\.140\.29/);
  await seedCase('test/fixtures/seeds/000-configmap-layer2.yaml', 'hello-openshift-lb', 'my-test-app', '10.19.140.10');
});

test('seed 004 as written: the ConfigMap pool gives 10.128.54.230; the leader answers; the client connects', async () => {
  await seedCase('test/fixtures/seeds/004-configmap-layer2.yaml', 'test', APPS, '10.128.54.230');
});

test('IPv4: one leader answers ARP, on eth0 only, and the client reaches it over TCP', async () => {
  await admin.apply(cr('IPAddressPool', 'l2-v4', { addresses: ['192.168.77.200-192.168.77.209'] }));
  await admin.apply(cr('IPAddressPool', 'l2-v6', { addresses: ['fc00:77::200-fc00:77::209'] }));
  await admin.apply(cr('L2Advertisement', 'l2', { ipAddressPools: ['l2-v4', 'l2-v6'], interfaces: ['eth0'] }));
  const { ip, leader } = await expose('web', APPS, NODES[0]!);
  assert.equal(ip, '192.168.77.200');
  const macs = await answers('ARP answers', () => arping(lab.clients[0], ip));
  assert.deepEqual(unique(macs), [leader.macs[0]]);
  assert.equal(await tcpHello(lab.clients[0], ip, PORT), leader.name);
  assert.equal(await neighMAC(lab.clients[0], ip), leader.macs[0]);
  // the annotation is kubectl-readable
  const r = await cp.kubectl(['get', 'svc', 'web', '-n', APPS, '-o', 'jsonpath={.metadata.annotations.metallb\\.io/layer2-ipv4-node}']);
  assert.equal(r.stdout, leader.name);
  // and the ServiceL2Status the leader wrote, as upstream's `oc get servicel2status` shows it
  await recordsBecome('web', APPS, [[leader.name, [ip], ['eth0']]]);
  const table = await cp.kubectl(['get', 'servicel2status', '-n', NS, '-l', 'metallb.io/service-name=web']);
  assert.match(table.stdout, /ALLOCATED NODE\s+SERVICE NAME\s+SERVICE NAMESPACE/);
  assert.match(table.stdout, new RegExp(`l2-[0-9a-f]{16}\\s+${leader.name}\\s+web\\s+${APPS}`));
  // upstream's layer 2 metrics, from the leader that answered (the arpings above)
  const body = (await scrape({ port: metricsPorts.get(leader.name)! })).body;
  assert.ok(sample(body, M.l2Requests.name, { ip })! >= 1, body);
  assert.ok(sample(body, M.l2Responses.name, { ip })! >= 1);
  assert.ok(sample(body, M.l2Gratuitous.name, { ip })! >= 1, 'announced when it took the IP');
  assert.equal(sample(body, M.speakerAnnounced.name, { ip, node: leader.name, protocol: 'layer2', service: `${APPS}/web` }), 1);
  assert.equal(sample(body, M.l2AnnouncedIps.name), 1);
  assert.equal(sample(body, M.l2Dropped.name, { interface: 'eth0' }), 0);
  for (const other of lab.nodes.filter((n) => n !== leader)) {
    const b = (await scrape({ port: metricsPorts.get(other.name)! })).body;
    assert.equal(sample(b, M.l2Responses.name, { ip }), undefined, `${other.name} answered nothing`);
    assert.equal(sample(b, M.speakerAnnounced.name, { ip }), undefined);
  }
});

test('excluded interface: eth1 answers nothing until the L2Advertisement names it', async () => {
  const ip = await ipOf('web', APPS);
  const leader = await leaderOf('web', APPS, ip);
  assert.deepEqual(await arping(lab.clients[1], ip), [], 'c1 is on the eth1 side: no answer while interfaces is [eth0]');
  await admin.apply(cr('L2Advertisement', 'l2', { ipAddressPools: ['l2-v4', 'l2-v6'], interfaces: ['eth1'] }));
  const macs = await answers('answers on eth1', () => arping(lab.clients[1], ip));
  assert.deepEqual(unique(macs), [leader.macs[1]]);
  await waitFor('eth0 silent', async () => ((await arping(lab.clients[0], ip, 2)).length === 0 ? true : undefined), 20_000);
  await admin.apply(cr('L2Advertisement', 'l2', { ipAddressPools: ['l2-v4', 'l2-v6'], interfaces: ['eth0'] }));
  await waitFor('eth0 answers again', async () => ((await arping(lab.clients[0], ip, 2)).length > 0 ? true : undefined), 20_000);
});

test('IPv6: one leader answers NDP (multicast and unicast solicitations), and TCP over IPv6 reaches it', async () => {
  const { ip, leader } = await expose('web6', APPS, NODES[2]!, { ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack' });
  assert.equal(ip, 'fc00:77::200');
  const macs = await answers('NDP answers', () => ndisc(lab.clients[0], ip));
  assert.deepEqual(unique(macs), [leader.macs[0]]);
  assert.deepEqual(unique(await solicit(ip, leader.macs[0])), [leader.macs[0]], 'a unicast NS (NUD probe) is answered');
  const other = lab.nodes.find((n) => n !== leader)!;
  assert.deepEqual(await solicit(ip, other.macs[0]), [], 'a non-leader ignores a unicast NS for the IP');
  assert.equal(await tcpHello(lab.clients[0], ip, PORT), leader.name);
  assert.equal(await neighMAC(lab.clients[0], ip), leader.macs[0]);
});

test('no answers for an IP nobody leads, nor for a Service of another loadBalancerClass', async () => {
  // on every node's lo (so the kernels could answer if they would), in no Service
  await acceptOnNodes(lab, '192.168.77.208');
  await acceptOnNodes(lab, 'fc00:77::208');
  assert.deepEqual(await arping(lab.clients[0], '192.168.77.208'), []);
  assert.deepEqual(await ndisc(lab.clients[0], 'fc00:77::208'), []);
  // another implementation's Service, whose status holds an IP of our pool
  await admin.apply(service('theirs', APPS, { loadBalancerClass: 'example.com/other-lb' }));
  await admin.apply(slice('theirs', APPS, NODES[0]!));
  await admin.patchStatus({ apiVersion: 'v1', kind: 'Service', name: 'theirs', namespace: APPS }, { loadBalancer: { ingress: [{ ip: '192.168.77.207' }] } });
  await acceptOnNodes(lab, '192.168.77.207');
  assert.equal(await ipOf('theirs', APPS), '192.168.77.207');
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(await arping(lab.clients[0], '192.168.77.207'), []);
});

async function failover(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  const ip = await ipOf('web', APPS);
  const leader = await leaderOf('web', APPS, ip);
  assert.equal(await tcpHello(lab.clients[0], ip, PORT), leader.name);
  assert.equal(await neighMAC(lab.clients[0], ip), leader.macs[0]);
  await stopSpeaker(leader, signal);
  const moved = await waitFor('the neighbour entry on another node', async () => {
    const mac = await neighMAC(lab.clients[0], ip);
    return mac && mac !== leader.macs[0] ? mac : undefined;
  }, 20_000);
  const next = await leaderOf('web', APPS, ip, leader.name);
  assert.equal(moved, next.macs[0], 'the entry moved to the new leader, by its gratuitous ARP');
  assert.deepEqual(unique(await arping(lab.clients[0], ip)), [next.macs[0]], 'the stopped speaker answers no more');
  assert.equal(await tcpHello(lab.clients[0], ip, PORT), next.name);
  // one record, the new leader's: the stopped node's went (its own delete, or the taker's)
  const interfaces = (await l2Records('web', APPS))[0]?.[2] ?? [];
  await recordsBecome('web', APPS, [[next.name, [ip], interfaces]]);
  startSpeaker(lab, leader);
  await waitFor('three liveness Leases', async () => ((await admin.list('coordination.k8s.io/v1', 'Lease', NS, 'metallb.io/speaker-liveness')).length === 3 ? true : undefined), 30_000);
}

test('failover on a clean stop (SIGTERM): the client neighbour entry moves to the new leader', async () => {
  await flushNeigh(lab.clients[0]);
  await failover('SIGTERM');
});

test('failover on a crash (SIGKILL): the Lease expires and the entry moves', async () => {
  // the restarted speaker may have taken its IP back: wait until one node leads and answers
  const ip = await ipOf('web', APPS);
  await waitFor('one answering leader', async () => (unique(await arping(lab.clients[0], ip, 2)).length === 1 ? true : undefined), 20_000);
  await failover('SIGKILL');
});

/** Gratuitous ARPs for `ip` the client c0 sees during `ms`: the sender MAC of each. */
async function gratuitousFor(ip: string, ms: number): Promise<string[]> {
  const io = packetIO(lab.clients[0]);
  const seen: string[] = [];
  const want = ipBytes(ip);
  const sock = io.open('eth0', (f) => {
    const arp = parseArp(f);
    if (arp && arp.senderIP.equals(want) && arp.targetIP.equals(want)) seen.push(formatMAC(arp.senderMAC));
  }, { accept: 'neighbor' });
  try {
    await new Promise((r) => setTimeout(r, ms));
  } finally {
    sock.close();
  }
  return seen;
}

test('MetalLB speakerGratuitousARPInterval (--l2-gratuitous-interval 1s): the leader repeats its gratuitous ARP; without it, only on take-over', async () => {
  const ip = await ipOf('web', APPS);
  const settled = async (): Promise<L2Node> => {
    await waitFor('one answering leader', async () => (unique(await arping(lab.clients[0], ip, 2)).length === 1 ? true : undefined), 20_000);
    const leader = await leaderOf('web', APPS, ip);
    // the take-over burst (4 over 1.75 s) is over
    await new Promise((r) => setTimeout(r, 2500));
    return leader;
  };
  await settled();
  const without = await gratuitousFor(ip, 3200);
  assert.deepEqual(without, [], 'no repeat by default');
  for (const n of lab.nodes) {
    await stopSpeaker(n);
    startSpeaker(lab, n, ['--l2-gratuitous-interval', '1s']);
  }
  await waitFor('three liveness Leases', async () => ((await admin.list('coordination.k8s.io/v1', 'Lease', NS, 'metallb.io/speaker-liveness')).length === 3 ? true : undefined), 30_000);
  const leader = await settled();
  const repeated = await gratuitousFor(ip, 3200);
  assert.ok(repeated.length >= 2 && repeated.length <= 4, `about one a second: ${JSON.stringify(repeated)}`);
  assert.deepEqual(unique(repeated), [leader.macs[0]], 'only the leader repeats, with its eth0 MAC');
  for (const n of lab.nodes) {
    await stopSpeaker(n);
    startSpeaker(lab, n);
  }
});

test('metallb-excludel2: no answers on an excluded interface, even with every interface advertised; a bad list keeps the last good one', async () => {
  const ip = await ipOf('web', APPS);
  const excl = (list: string): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'metallb-excludel2', namespace: NS }, data: { 'excludel2.yaml': `announcedInterfacesToExclude: ${list}\n` } });
  const silent = (client: string, what: string): Promise<true> =>
    waitFor(what, async () => ((await arping(client, ip, 2)).length === 0 ? true : undefined), 20_000);
  const heard = (client: string, what: string): Promise<string[]> => answers(what, () => arping(client, ip));
  await admin.apply(cr('L2Advertisement', 'l2', { ipAddressPools: ['l2-v4', 'l2-v6'] }));
  await heard(lab.clients[1], 'answers on eth1 (every interface advertised)');
  await admin.apply(excl('["^eth1$"]'));
  await silent(lab.clients[1], 'eth1 silent once excluded');
  await heard(lab.clients[0], 'eth0 still answers');
  await admin.apply(excl('["("]'));
  const ev = await waitFor('the InvalidExcludeL2 Event', async () => {
    const r = await cp.kubectl(['get', 'events', '-n', NS, '--field-selector', 'involvedObject.name=metallb-excludel2,reason=InvalidExcludeL2', '-o', 'jsonpath={.items[*].message}']);
    return r.stdout || undefined;
  }, 20_000);
  assert.match(ev, /announcedInterfacesToExclude\[0\] "\(" is not a regular expression.*keeps excluding the interfaces of the last valid list/);
  await new Promise((r) => setTimeout(r, 1000));
  assert.deepEqual(await arping(lab.clients[1], ip, 2), [], 'the last good list still holds');
  await admin.apply(excl('[]'));
  await heard(lab.clients[1], 'eth1 answers again with an empty list');
  await admin.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'metallb-excludel2', namespace: NS });
  await admin.apply(cr('L2Advertisement', 'l2', { ipAddressPools: ['l2-v4', 'l2-v6'], interfaces: ['eth0'] }));
});
