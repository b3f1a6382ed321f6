// Metrics as a user's Prometheus sees them (issue 15.5): the controller and a speaker on a real
// control plane, the speaker driving real FRR with seed 002's BGP + BFD session, both serving
// /metrics over HTTPS with a certificate the operator's code issued, and checking the scraper's
// token with the real apiserver (TokenReview + SubjectAccessReview). Every name of the catalog is
// scraped; layer 2's samples are scraped in test/l2/l2.test.ts, where a speaker answers ARP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { startSeedLab, waitEstablished, ROUTER_IP } from '../frr/seed-lab.js';
import type { SeedLab } from '../frr/seed-lab.js';
import { frrUnavailable, waitFor } from '../../src/lab/netns.js';
import { ALL_METRICS, M } from '../../src/metrics/catalog.js';
import { CONTROLLER_METRICS_CERT, SPEAKER_METRICS_CERT, renewedSecret } from '../../src/operator/serving-cert.js';
import type { Served } from '../../src/operator/serving-cert.js';
import { sample, sampledNames, scrape } from '../helpers/scrape.js';

const NS = 'metallb-metrics';
const APPS = 'metrics-apps';
const NODE = 'worker-0';
let cp: ControlPlane;
let admin: Kube;
let lab: SeedLab;
let controller: ControllerHandle;
let speaker: SpeakerHandle;
const dirs: string[] = [];
const cas = new Map<Served, string>();
let allowed = '';
let denied = '';

const cr = (kind: string, name: string, spec: Record<string, unknown>, apiVersion = 'metallb.io/v1beta1'): Obj => ({ apiVersion, kind, metadata: { name, namespace: NS }, spec });

/** The Secret the operator would write, as files in a directory (what the pod's volume holds). */
function certDir(served: Served): string {
  const secret = renewedSecret(undefined, served, NS, 'all', new Date());
  const data = secret['data'] as Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'metallb-metrics-cert-'));
  dirs.push(dir);
  for (const k of ['tls.crt', 'tls.key']) writeFileSync(join(dir, k), Buffer.from(data[k]!, 'base64'));
  cas.set(served, Buffer.from(data['ca.crt']!, 'base64').toString('utf8'));
  return dir;
}

async function token(sa: string): Promise<string> {
  await admin.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: NS } });
  const tr = (await admin.request('POST', `/api/v1/namespaces/${NS}/serviceaccounts/${sa}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } })) as { status: { token: string } };
  return tr.status.token;
}

const scrapeOf = (served: Served, port: number, tok: string | undefined): ReturnType<typeof scrape> =>
  scrape({ port, ca: cas.get(served)!, serverName: `${served.service}.${NS}.svc`, ...(tok !== undefined ? { token: tok } : {}) });

before(async () => {
  const missing = frrUnavailable();
  if (missing) throw new Error(`FRR is required for this test (make test installs it): ${missing}`);
  cp = await getTestCluster();
  admin = new Kube(loadKubeConfig(cp.kubeconfigPath), 'metrics-test');
  await cp.kubectl(['create', 'namespace', NS]);
  await cp.kubectl(['create', 'namespace', APPS]);
  await admin.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE, labels: { 'kubernetes.io/os': 'linux' } } });
  // Who may scrape: what OpenShift's prometheus-k8s holds, `get` on the non-resource URL /metrics.
  await admin.apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'metrics-test-reader' }, rules: [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }] });
  await admin.apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'metrics-test-reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'metrics-test-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: NS }] });
  allowed = await token('prometheus');
  denied = await token('someone-else');
  await admin.apply(cr('AddressPool', 'address-pool-bgp', { protocol: 'bgp', addresses: ['192.168.155.150/31', '192.168.155.152/30'] }));
  await admin.apply(cr('BFDProfile', 'test-bfd-prof', { detectMultiplier: 37, echoMode: true, minimumTtl: 10, passiveMode: true, receiveInterval: 35, transmitInterval: 35 }));
  await admin.apply(cr('BGPPeer', 'peer-test', { bfdProfile: 'test-bfd-prof', myASN: 64520, peerASN: 64521, peerAddress: ROUTER_IP }));
  lab = await startSeedLab('metrics');
  const kube = (who: string): Kube => new Kube(loadKubeConfig(cp.kubeconfigPath), who);
  controller = await runController({ kube: kube('metallb-controller'), log: silentLogger(), namespace: NS, identity: 'metrics', leaseDurationSeconds: 4, renewMs: 500, metricsAddress: { host: '127.0.0.1', port: 0, certDir: certDir(CONTROLLER_METRICS_CERT) } });
  speaker = await runSpeaker({ kube: kube(`metallb-speaker-${NODE}`), vtysh: lab.nodes[0]!.vtysh, node: NODE, namespace: NS, log: silentLogger(), statusIntervalMs: 1000, metricsAddress: { host: '127.0.0.1', port: 0, certDir: certDir(SPEAKER_METRICS_CERT) } });
});

after(async () => {
  await speaker?.stop();
  await controller?.stop();
  await lab?.lab.destroy();
  // Nothing left for the files after this one: a LoadBalancer Service left here would take their IPs.
  await admin?.delete({ apiVersion: 'v1', kind: 'Service', name: 'web', namespace: APPS });
  for (const ns of [APPS, NS]) await cp?.kubectl(['delete', 'namespace', ns, '--wait=false']);
  await admin?.delete({ apiVersion: 'v1', kind: 'Node', name: NODE });
  for (const n of ['metrics-test-reader']) {
    await admin?.delete({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: n });
    await admin?.delete({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: n });
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('only a token allowed "get /metrics" reads them: none 401, an invalid one 401, another identity 403; the probes need none', async () => {
  for (const [served, port] of [[CONTROLLER_METRICS_CERT, controller.metricsPort()], [SPEAKER_METRICS_CERT, speaker.metricsPort()]] as const) {
    const none = await scrapeOf(served, port, undefined);
    assert.equal(none.status, 401, none.body);
    assert.doesNotMatch(none.body, /metallb_/);
    const bad = await scrapeOf(served, port, 'not-a-token');
    assert.equal(bad.status, 401, bad.body);
    const other = await scrapeOf(served, port, denied);
    assert.equal(other.status, 403, other.body);
    assert.match(other.body, /system:serviceaccount:metallb-metrics:someone-else/);
    assert.doesNotMatch(other.body, /metallb_/);
    const ok = await scrapeOf(served, port, allowed);
    assert.equal(ok.status, 200, ok.body);
    const health = await scrape({ port, ca: cas.get(served)!, serverName: `${served.service}.${NS}.svc`, path: '/healthz' });
    assert.equal(health.status, 200);
    // Plain HTTP on the TLS port is not served.
    await assert.rejects(scrape({ port }));
  }
});

test('every name the programs export, with upstream labels and values that match what FRR and the allocator hold', async () => {
  await admin.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: APPS }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] } });
  await admin.apply({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-1', namespace: APPS, labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.131.0.10'], nodeName: NODE, conditions: { ready: true } }], ports: [{ port: 8080, protocol: 'TCP' }] });
  await waitEstablished(lab.router.vtysh, '192.168.133.71');
  const peer = { peer: ROUTER_IP, vrf: 'default' };
  const speakerBody = await waitFor('BGP and BFD up and the Service announced, in the speaker\'s metrics', async () => {
    const r = await scrapeOf(SPEAKER_METRICS_CERT, speaker.metricsPort(), allowed);
    return sample(r.body, M.bgpSessionUp.name, peer) === 1 &&
      sample(r.body, M.bfdSessionUp.name, peer) === 1 &&
      sample(r.body, M.bgpAnnounced.name, peer) === 1
      ? r.body
      : undefined;
  }, 60_000);
  const controllerBody = (await scrapeOf(CONTROLLER_METRICS_CERT, controller.metricsPort(), allowed)).body;

  // Every family of each program is exposed (HELP and TYPE), and every one with something to
  // report has a sample; layer 2's and the BFD watchdog's need an ARP request or a BFD failure.
  const later = new Set(
    [M.l2Requests, M.l2Responses, M.l2Gratuitous, M.l2Dropped, M.l2AnnouncedIps, M.bfdReregistrations, M.skippedObjects].map((d) => d.name),
  );
  for (const [program, body] of [['controller', controllerBody], ['speaker', speakerBody]] as const) {
    const sampled = sampledNames(body);
    for (const d of ALL_METRICS.filter((x) => x.programs.includes(program))) {
      assert.match(body, new RegExp(`^# TYPE ${d.name} ${d.type}$`, 'm'), `${program}: ${d.name}`);
      if (!later.has(d.name)) assert.ok(sampled.has(d.name), `${program}: a sample of ${d.name}`);
    }
    assert.equal(sample(body, M.configLoaded.name), 1, program);
    assert.equal(sample(body, M.configStale.name), 0, program);
    assert.ok(sample(body, M.k8sUpdates.name)! > 0, program);
  }
  // The allocator: one of the pool's six addresses in use.
  assert.equal(sample(controllerBody, M.addressesInUse.name, { pool: 'address-pool-bgp' }), 1);
  assert.equal(sample(controllerBody, M.addressesTotal.name, { pool: 'address-pool-bgp' }), 6);
  // FRR's own counters, read at scrape time: as FRR shows them.
  const n = JSON.parse((await lab.nodes[0]!.vtysh.run(['-c', `show bgp neighbors ${ROUTER_IP} json`])).stdout) as Record<string, { messageStats: { opensSent: number; keepalivesSent: number } }>;
  assert.equal(sample(speakerBody, M.bgpOpensSent.name, peer), n[ROUTER_IP]!.messageStats.opensSent);
  assert.ok(sample(speakerBody, M.bgpKeepalivesSent.name, peer)! <= n[ROUTER_IP]!.messageStats.keepalivesSent);
  assert.ok(sample(speakerBody, M.bgpUpdatesSent.name, peer)! >= 1);
  assert.ok(sample(speakerBody, M.bfdControlIn.name, peer)! > 0, 'BFD control packets counted');
  assert.ok(sample(speakerBody, M.bfdUpEvents.name, peer)! >= 1);
  const ip = sampledNames(speakerBody).has(M.speakerAnnounced.name) && /metallb_speaker_announced\{ip="(192\.168\.155\.15\d)",node="worker-0",protocol="bgp",service="metrics-apps\/web"\} 1/.exec(speakerBody);
  assert.ok(ip, speakerBody.split('\n').filter((l) => l.startsWith('metallb_speaker_announced')).join('\n'));
});

test('a BGPPeer the speaker cannot use: skipped_objects names it and config_stale_bool is 1 until it is fixed', async () => {
  await admin.apply(cr('BGPPeer', 'no-profile', { bfdProfile: 'missing', myASN: 64520, peerASN: 64530, peerAddress: '192.168.133.9' }, 'metallb.io/v1beta2'));
  const stale = await waitFor('the skipped peer in the metrics', async () => {
    const r = await scrapeOf(SPEAKER_METRICS_CERT, speaker.metricsPort(), allowed);
    return sample(r.body, M.skippedObjects.name, { kind: 'BGPPeer', name: 'no-profile' }) === 1 ? r.body : undefined;
  }, 30_000);
  assert.equal(sample(stale, M.configStale.name), 1);
  assert.equal(sample(stale, M.bgpSessionUp.name, { peer: ROUTER_IP, vrf: 'default' }), 1, 'the rest stays in force');
  await admin.delete({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', name: 'no-profile', namespace: NS });
  await waitFor('stale_bool back to 0', async () => {
    const r = await scrapeOf(SPEAKER_METRICS_CERT, speaker.metricsPort(), allowed);
    return sample(r.body, M.configStale.name) === 0 && sample(r.body, M.skippedObjects.name, { kind: 'BGPPeer', name: 'no-profile' }) === undefined ? true : undefined;
  }, 30_000);
});
