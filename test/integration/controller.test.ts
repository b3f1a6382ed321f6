// The controller against a real control plane: IPs and Events, 500 concurrent Services, a restart
// with 1,000 Services that moves no IP, two replicas under churn that never hand out one IP twice,
// and bad pools reported without stopping the good ones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getTestCluster } from '../helpers/controlplane.js';
import type { ControlPlane } from '../helpers/controlplane.js';
import { sleep } from '../../src/lab/procs.js';
import { Kube } from '../../src/k8s/client.js';
import type { Obj } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { silentLogger } from '../../src/util/log.js';
import { runController } from '../../src/controller/run.js';
import type { ControllerHandle } from '../../src/controller/run.js';
import { poll as pollFor } from '../helpers/poll.js';

const NS = 'metallb-ctl';
const APPS = 'ctl-apps';
let cp: ControlPlane;
let admin: Kube;
const running: ControllerHandle[] = [];

const poll = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> => pollFor(what, fn, timeoutMs, 200);

async function start(identity: string, fast = false): Promise<ControllerHandle> {
  const h = await runController({
    kube: new Kube(loadKubeConfig(cp.kubeconfigPath), 'metallb-controller'), log: silentLogger(), namespace: NS, identity,
    ...(fast ? { leaseDurationSeconds: 3, renewMs: 300 } : { leaseDurationSeconds: 4, renewMs: 500 }),
  });
  running.push(h);
  return h;
}

async function stop(h: ControllerHandle): Promise<void> {
  await h.stop();
  running.splice(running.indexOf(h), 1);
}

const service = (name: string, extra: Record<string, unknown> = {}, annotations: Record<string, string> = {}): Obj =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: APPS, annotations }, spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80, protocol: 'TCP' }], ...extra } });

async function inBatches<T>(items: T[], size: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/** name → ingress IPs of every LoadBalancer Service in APPS. */
async function ingress(): Promise<Map<string, string[]>> {
  const list = await admin.list<Obj>('v1', 'Service', APPS);
  return new Map(list.map((s) => [s.metadata!.name!, (((s['status'] as { loadBalancer?: { ingress?: { ip: string }[] } }).loadBalancer?.ingress) ?? []).map((i) => i.ip)]));
}

function assertDistinct(m: Map<string, string[]>): void {
  const owner = new Map<string, string>();
  for (const [name, ips] of m) {
    for (const ip of ips) {
      assert.ok(!owner.has(ip), `IP ${ip} given to both ${owner.get(ip)} and ${name}`);
      owner.set(ip, name);
    }
  }
}

async function events(name: string): Promise<{ reason: string; message: string }[]> {
  const r = await cp.kubectl(['get', 'events', '-n', APPS, '--field-selector', `involvedObject.name=${name}`, '-o', 'json']);
  return (JSON.parse(r.stdout) as { items: { reason: string; message: string }[] }).items;
}

before(async () => {
  cp = await getTestCluster();
  admin = new Kube(loadKubeConfig(cp.kubeconfigPath), 'test-admin');
  await cp.kubectl(['create', 'namespace', NS]);
  await cp.kubectl(['create', 'namespace', APPS]);
  await admin.apply({ apiVersion: 'metallb.io/v1beta1', kind: 'AddressPool', metadata: { name: 'address-pool-bgp', namespace: NS }, spec: { protocol: 'bgp', addresses: ['192.168.155.150/32', '192.168.155.151/32', '192.168.155.152/32'], autoAssign: false } });
  await admin.apply({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'big', namespace: NS }, spec: { addresses: ['10.100.0.0/21'] } });
});

after(async () => {
  for (const h of [...running]) await stop(h);
});

test('a Service gets an IP, the pool annotation and an IPAllocated Event; a requested IP and a deprecated annotation work', async () => {
  await start('ctl-a');
  await admin.apply(service('first'));
  await poll('an IP for first', async () => ((await ingress()).get('first')?.length ? true : undefined));
  assert.deepEqual((await ingress()).get('first'), ['10.100.0.0']);
  const svc = await admin.get<Obj>({ apiVersion: 'v1', kind: 'Service', name: 'first', namespace: APPS });
  assert.equal(svc?.metadata?.annotations?.['metallb.io/ip-allocated-from-pool'], 'big');
  const ev = await poll('IPAllocated', async () => (await events('first')).find((e) => e.reason === 'IPAllocated'));
  assert.equal(ev.message, 'Assigned IP ["10.100.0.0"]');

  await admin.apply(service('seed002', { loadBalancerIP: '192.168.155.151' }, { 'metallb.universe.tf/address-pool': 'address-pool-bgp' }));
  await poll('.151', async () => ((await ingress()).get('seed002')?.[0] === '192.168.155.151' ? true : undefined));
  await poll('deprecation warning', async () => (await events('seed002')).find((e) => e.reason === 'DeprecatedAnnotation'));

  await admin.apply(service('nowhere', { loadBalancerIP: '172.31.0.1' }));
  const failed = await poll('AllocationFailed', async () => (await events('nowhere')).find((e) => e.reason === 'AllocationFailed'));
  assert.match(failed.message, /requested IP 172.31.0.1 is not in any pool/);
});

test('500 Services created concurrently get 500 distinct IPs', async () => {
  const names = Array.from({ length: 500 }, (_, i) => `burst-${i}`);
  await inBatches(names, 50, (n) => admin.apply(service(n)));
  await poll('500 IPs', async () => ([...(await ingress())].filter(([n, ips]) => n.startsWith('burst-') && ips.length === 1).length === 500 ? true : undefined), 120_000);
  assertDistinct(await ingress());
  const pool = await poll('pool status', async () => {
    const p = await admin.get<Obj>({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', name: 'big', namespace: NS });
    const st = p?.['status'] as { assignedIPv4?: number } | undefined;
    return st?.assignedIPv4 === 501 ? st : undefined;
  });
  assert.equal((pool as { availableIPv4?: number }).availableIPv4, 2048 - 501);
});

test('a controller restart with 1,000 Services changes no IP', async () => {
  const names = Array.from({ length: 500 }, (_, i) => `more-${i}`);
  await inBatches(names, 50, (n) => admin.apply(service(n)));
  await poll('1,000 IPs', async () => ([...(await ingress())].filter(([n, ips]) => /^(burst|more)-/.test(n) && ips.length === 1).length === 1000 ? true : undefined), 120_000);
  const before = await ingress();
  await stop(running[0]!);
  // a new Service while no controller runs: the next one must not hand it an IP someone has
  await admin.apply(service('during-restart'));
  const h = await start('ctl-b');
  await poll('the new Service served', async () => ((await ingress()).get('during-restart')?.length ? true : undefined));
  await h.queue.idle();
  const after = await ingress();
  for (const [name, ips] of before) assert.deepEqual(after.get(name), ips, `${name} moved`);
  assertDistinct(after);
});

test('two replicas under create/delete churn never hand out one IP twice', async () => {
  await stop(running[0]!);
  const a = await start('churn-a', true);
  const b = await start('churn-b', true);
  const deadline = Date.now() + 20_000;
  let round = 0;
  while (Date.now() < deadline && round < 40) {
    const names = Array.from({ length: 10 }, (_, i) => `churn-${round}-${i}`);
    await Promise.all(names.map((n) => admin.apply(service(n))));
    if (round >= 2) await Promise.all(Array.from({ length: 10 }, (_, i) => admin.delete({ apiVersion: 'v1', kind: 'Service', name: `churn-${round - 2}-${i}`, namespace: APPS })));
    if (round % 5 === 4) {
      // hand leadership over: the leader stops and comes back as a new replica
      const leader = [a, b].find((x) => x.elector.isLeader && running.includes(x));
      if (leader) {
        await stop(leader);
        await start(`churn-${round}`, true);
      }
    }
    assertDistinct(await ingress());
    round++;
    await sleep(200);
  }
  await sleep(4000);
  assertDistinct(await ingress());
  assert.ok(running.filter((h) => h.elector.isLeader).length <= 1, 'two leaders');
});

test('a pool edit that removes a Service\'s IP reassigns it, with an Event', async () => {
  await admin.apply({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'shrinking', namespace: NS }, spec: { addresses: ['10.150.0.0/30'], autoAssign: false } });
  await admin.apply(service('moved', {}, { 'metallb.io/address-pool': 'shrinking' }));
  await poll('an IP from shrinking', async () => ((await ingress()).get('moved')?.[0] === '10.150.0.0' ? true : undefined));
  await admin.apply({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'shrinking', namespace: NS }, spec: { addresses: ['10.150.0.2/31'], autoAssign: false } });
  await poll('a new IP', async () => ((await ingress()).get('moved')?.[0] === '10.150.0.2' ? true : undefined));
  const ev = await poll('IPReassigned', async () => (await events('moved')).find((e) => e.reason === 'IPReassigned'));
  assert.match(ev.message, /IP \["10.150.0.0"\] is no longer in any pool; assigned \["10.150.0.2"\]/);
});

test('bad pools get a clear Event and do not stop the other pools', async () => {
  await admin.apply({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'overlapping', namespace: NS }, spec: { addresses: ['10.100.0.0/24'] } });
  await admin.apply({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'reversed', namespace: NS }, spec: { addresses: ['10.200.0.9-10.200.0.1'] } });
  const ev = async (pool: string): Promise<string | undefined> => {
    const r = await cp.kubectl(['get', 'events', '-n', NS, '--field-selector', `involvedObject.name=${pool},reason=InvalidPool`, '-o', 'jsonpath={.items[*].message}']);
    return r.stdout.trim() || undefined;
  };
  assert.match(await poll('overlap Event', () => ev('overlapping')), /overlaps pool "big"/);
  assert.match(await poll('reversed range Event', () => ev('reversed')), /lower to the higher/);
  await admin.apply(service('after-bad-pools'));
  await poll('an IP despite bad pools', async () => ((await ingress()).get('after-bad-pools')?.length ? true : undefined));
  assertDistinct(await ingress());
});

test('BGPPeer status.established counts every node\'s session, and `kubectl get bgppeer` shows it', async () => {
  if (running.length === 0) await start('ctl-peers');
  await admin.apply({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'router', namespace: NS }, spec: { myASN: 64520, peerASN: 64521, peerAddress: '192.168.133.1' } });
  // Each speaker applies only its own node's entry, with its own field manager (src/speaker/speaker-status.ts).
  const speaker = (node: string, state: string): Promise<unknown> =>
    admin.request('PATCH', `/apis/metallb.io/v1beta2/namespaces/${NS}/bgppeers/router/status?fieldManager=metallb-speaker-${node}&force=true`,
      { apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'router', namespace: NS }, status: { sessions: [{ node, state, bfdState: '', prefixesSent: 0, lastChange: new Date().toISOString() }] } },
      'application/apply-patch+yaml');
  const established = async (): Promise<string> => (await cp.kubectl(['get', 'bgppeer', 'router', '-n', NS, '-o', 'jsonpath={.status.established}'])).stdout.trim();
  await speaker('n1', 'Established');
  await speaker('n2', 'Active');
  await poll('1/2', async () => ((await established()) === '1/2' ? true : undefined));
  await speaker('n2', 'Established');
  await poll('2/2', async () => ((await established()) === '2/2' ? true : undefined));
  const table = (await cp.kubectl(['get', 'bgppeer', 'router', '-n', NS])).stdout;
  assert.match(table.split('\n')[0] ?? '', /ESTABLISHED/);
  assert.match(table.split('\n')[1] ?? '', /\s2\/2(\s|$)/);
  // The speakers' entries are untouched, and nothing more is written while nothing changes.
  const peer = await admin.get<Obj>({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', name: 'router', namespace: NS });
  assert.deepEqual(((peer?.['status'] as { sessions: { node: string; state: string }[] }).sessions).map((s) => `${s.node}=${s.state}`), ['n1=Established', 'n2=Established']);
  await sleep(2000);
  const again = await admin.get<Obj>({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', name: 'router', namespace: NS });
  assert.equal(again?.metadata?.resourceVersion, peer?.metadata?.resourceVersion);
});
