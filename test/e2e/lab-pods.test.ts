// The pods lab end to end, as an OpenShift user installs and checks MetalLB: from an empty
// cluster (kubelets + containerd + runc per node, OLM, CoreDNS), seed 002's CatalogSource,
// OperatorGroup and Subscription install the operator; config/samples make it deploy the controller
// and the speaker DaemonSet (speaker + frr containers); `kubectl exec -c frr -- vtysh` is the
// verification. Then the drills on pods (a speaker pod deleted, a node cordoned and drained, the
// MetalLB CR's nodeSelector and tolerations edited), the capabilities the runtime grants, an
// upgrade to 0.1.1 through OLM while the router's route is watched, and the OperatorGroup made
// global (the AllNamespaces install mode).
// Waits are bounded polls; timings are measured and printed, never asserted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import { LAB_NAME_ENV, labPrefix, readState } from '../../src/lab/state.js';
import { alive, sleep } from '../../src/lab/procs.js';
import { readImageIndex, pinnedRef } from '../../src/lab/node-runtime.js';
import { imagesIndex } from '../../src/lab/up-pods.js';
import { parseObjects } from '../../src/api/yaml.js';
import { poll } from '../helpers/poll.js';
import { watchRouteGaps } from '../helpers/route-monitor.js';
import type { RouteEvent } from '../helpers/route-monitor.js';
import { lab, state, routerVtysh, routeNexthops, neighbors } from './lab-helpers.js';
import type { Neighbor } from './lab-helpers.js';
import { sample } from '../helpers/scrape.js';
import { ALL_METRICS } from '../../src/metrics/catalog.js';

// A lab of this test's own (mlb-e2e-pods-*, .cache/lab-e2e-pods), beside any lab a user has up.
process.env[LAB_NAME_ENV] = 'e2e-pods';
const NS = 'metallb-system';
const NODES = ['lab-worker-1', 'lab-worker-2'];
const NODE_IPS = ['192.168.133.71', '192.168.133.72'];
const ROUTER = '192.168.133.1';
const measured: Record<string, unknown> = {};
let demoIP = '';

async function kubectl(...args: string[]): Promise<string> {
  const r = await lab('kubectl', ...args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.err}`);
  return r.out;
}

interface Pod {
  metadata: { name: string; uid: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { nodeName?: string; containers: { name: string; securityContext?: { capabilities?: { add?: string[] } } }[] };
  status: { phase?: string; conditions?: { type: string; status: string }[]; containerStatuses?: { name: string; ready: boolean; restartCount: number }[] };
}
const ready = (p: Pod): boolean => !p.metadata.deletionTimestamp && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

async function pods(namespace: string, selector?: string): Promise<Pod[]> {
  return (JSON.parse(await kubectl('-n', namespace, 'get', 'pods', ...(selector ? ['-l', selector] : []), '-o', 'json')) as { items: Pod[] }).items;
}

/** Ready speaker pods by node name. */
async function speakers(): Promise<Record<string, Pod>> {
  const out: Record<string, Pod> = {};
  for (const p of await pods(NS, 'component=speaker')) if (ready(p) && p.spec.nodeName) out[p.spec.nodeName] = p;
  return out;
}

async function speakersOn(nodes: string[], what: string, timeoutMs = 180_000): Promise<Record<string, Pod>> {
  return poll(what, async () => {
    const all = await pods(NS, 'component=speaker');
    const s = await speakers();
    // Exactly these nodes, and no other speaker pod left (not even one terminating).
    return Object.keys(s).sort().join() === [...nodes].sort().join() && all.length === nodes.length ? s : undefined;
  }, timeoutMs, 500);
}

async function vtyshIn(pod: string, ...commands: string[]): Promise<string> {
  return kubectl('-n', NS, 'exec', pod, '-c', 'frr', '--', 'vtysh', ...commands.flatMap((c) => ['-c', c]));
}

async function ecmp(ip: string, nodeIps = NODE_IPS, timeoutMs = 120_000): Promise<void> {
  await poll(`${ip} at the router via ${nodeIps.join(', ')}`, async () => ((await routeNexthops(routerVtysh(), `${ip}/32`)).join() === [...nodeIps].sort().join() ? true : undefined), timeoutMs, 250);
}

/** The demo pods curl reached from the client, until pods on every node in `nodes` answered. */
async function curlReaches(ip: string, nodes: string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  const answers = new Map<string, number>();
  const podNode = new Map<string, string>();
  try {
    await poll(`curl ${ip} from the client reaching demo pods on ${nodes.join(', ')}`, async () => {
      const r = await lab('curl', ip);
      const answer = r.code === 0 ? r.out.trim() : `error: ${r.err.trim()}`;
      answers.set(answer, (answers.get(answer) ?? 0) + 1);
      // Pods are looked up again only for a name not known yet (a rollout or a drain replaces them).
      if (r.code === 0 && !podNode.has(answer)) for (const p of await pods('demo', 'app=demo')) podNode.set(p.metadata.name, p.spec.nodeName ?? '');
      const node = podNode.get(answer);
      if (node) seen.add(node);
      return nodes.every((n) => seen.has(n)) ? true : undefined;
    }, 60_000, 50);
  } catch (err) {
    throw new Error(`${(err as Error).message}; answers: ${JSON.stringify([...answers])}; demo pods: ${JSON.stringify((await pods('demo', 'app=demo')).map((p) => [p.metadata.name, p.spec.nodeName, ready(p)]))}`, { cause: err });
  }
  return seen;
}

before(async () => {
  // Whatever an earlier, killed run of this file left (its own name: never a user's lab) goes first.
  assert.equal((await lab('down')).code, 0);
  const r = await lab('up', '--nodes', '2');
  assert.equal(r.code, 0, r.err);
  const s = state();
  assert.equal(s.mode, 'pods');
  demoIP = s.demoIP!;
  const t = s.timings!;
  measured['up'] = {
    totalMs: t['ready']! - t['start']!, controlPlaneMs: t['controlPlane']! - t['start']!, nodesReadyMs: t['nodesReady']! - t['controlPlane']!,
    olmMs: t['olmReady']! - t['nodesReady']!, subscriptionToCsvSucceededMs: t['csvSucceeded']! - t['subscribed']!, csvToSpeakersReadyMs: t['speakersReady']! - t['csvSucceeded']!,
  };
});

after(async () => {
  if (readState()) await lab('down');
  console.log(`pods lab measured: ${JSON.stringify(measured)}`);
});

test('OLM installs seed 002 from an empty cluster: CSV Succeeded, every pod Ready, logs readable, MetalLB Available', async () => {
  const sub = JSON.parse(await kubectl('-n', NS, 'get', 'subscription', 'metallb-operator-sub', '-o', 'json')) as { spec: Record<string, string>; status: { installedCSV?: string; installPlanRef?: { name: string } } };
  assert.deepEqual([sub.spec['name'], sub.spec['channel'], sub.spec['source'], sub.spec['sourceNamespace']], ['metallb-operator', 'stable', 'metallb-operator-ts', 'openshift-marketplace']);
  assert.equal(sub.status.installedCSV, 'metallb-operator.v0.1.0');
  // What OperatorHub lists: the package from our catalog, through OLM's aggregated API.
  const pm = JSON.parse(await kubectl('-n', 'openshift-marketplace', 'get', 'packagemanifest', 'metallb-operator', '-o', 'json')) as { status: { catalogSource: string; defaultChannel: string; channels: { name: string; currentCSV: string }[] } };
  assert.equal(pm.status.catalogSource, 'metallb-operator-ts');
  assert.equal(pm.status.defaultChannel, 'stable');
  assert.deepEqual(pm.status.channels.map((c) => `${c.name}:${c.currentCSV}`), ['stable:metallb-operator.v0.1.0']);
  assert.equal(await kubectl('-n', NS, 'get', 'installplan', sub.status.installPlanRef!.name, '-o', 'jsonpath={.status.phase}'), 'Complete');
  assert.equal(await kubectl('-n', NS, 'get', 'csv', 'metallb-operator.v0.1.0', '-o', 'jsonpath={.status.phase}'), 'Succeeded');
  const all = await pods(NS);
  const byRole = (prefix: string): Pod[] => all.filter((p) => p.metadata.name.startsWith(prefix));
  assert.equal(byRole('metallb-operator-controller-manager-').filter(ready).length, 1, 'the operator runs as a pod');
  assert.equal(byRole('controller-').filter(ready).length, 1, 'the controller Deployment runs');
  const sp = await speakers();
  assert.deepEqual(Object.keys(sp).sort(), NODES, 'a speaker pod on every node');
  for (const p of Object.values(sp)) assert.deepEqual(p.status.containerStatuses!.map((c) => `${c.name}:${c.ready}`).sort(), ['frr:true', 'speaker:true']);
  // `kubectl logs` of every container of every pod (it goes apiserver → kubelet on the node).
  for (const ns of [NS, 'olm', 'openshift-marketplace', 'kube-system', 'demo']) {
    for (const p of await pods(ns)) {
      if (p.status.phase !== 'Running') continue;
      for (const c of p.spec.containers) {
        const r = await lab('kubectl', '-n', ns, 'logs', p.metadata.name, '-c', c.name, '--tail', '1');
        assert.equal(r.code, 0, `kubectl logs ${ns}/${p.metadata.name} -c ${c.name}: ${r.err}`);
      }
    }
  }
  const conditions = await kubectl('-n', NS, 'get', 'metallb', 'metallb', '-o', 'jsonpath={range .status.conditions[*]}{.type}={.status} {end}');
  assert.match(conditions, /Available=True/);
  assert.match(conditions, /Degraded=False/);
  // With exactly the CSV's RBAC (and the ServiceAccounts OLM created for its clusterPermissions),
  // RBAC refused the operator nothing. (Right after OLM creates the CRDs the apiserver may refuse
  // an ownerReference to a MetalLB for up to ~30 s, "cannot find RESTMapping", until its REST
  // mapper is refreshed; the reconcile retries through it, and that is not a permission.)
  const log = await kubectl('-n', NS, 'logs', 'deployment/metallb-operator-controller-manager');
  const refusals = log.split('\n').filter((l) => /is forbidden: User \\?"[^"\\]+\\?" cannot [a-z]+ resource|cannot set an ownerRef on a resource you can't delete/.test(l));
  assert.deepEqual(refusals.map((l) => l.slice(0, 300)), []);
  const bound = (await kubectl('get', 'clusterrolebinding', '-o', 'jsonpath={range .items[*]}{range .subjects[*]}{.namespace}/{.name}{" "}{end}{end}')).split(/\s+/);
  assert.ok(bound.includes(`${NS}/controller`) && bound.includes(`${NS}/speaker`), 'OLM bound the workloads\' ClusterRoles from the CSV\'s clusterPermissions');
});

test('the user\'s check: `kubectl exec <speaker> -c frr -- vtysh` shows the router Established with BFD up', async () => {
  for (const [node, p] of Object.entries(await speakers())) {
    const summary = await poll(`${node}: Established, announcing the demo IP`, async () => {
      const j = JSON.parse(await vtyshIn(p.metadata.name, 'show bgp summary json')) as { ipv4Unicast?: { peers?: Record<string, { state?: string; pfxSnt?: number }> } };
      const peer = j.ipv4Unicast?.peers?.[ROUTER];
      return peer?.state === 'Established' && (peer.pfxSnt ?? 0) >= 1 ? peer : undefined;
    }, 90_000, 500);
    assert.equal(summary.state, 'Established');
    const bfd = await poll(`${node}: BFD up`, async () => {
      const peers = JSON.parse(await vtyshIn(p.metadata.name, 'show bfd peers json')) as { peer: string; status: string }[];
      return peers.find((x) => x.peer === ROUTER && x.status === 'up');
    }, 90_000, 500);
    assert.equal(bfd.status, 'up');
    // The same through the lab's shortcut (`lab vtysh NODE` is this exec).
    assert.match((await lab('vtysh', node, '-c', 'show bgp summary')).out, new RegExp(`^${ROUTER.replace(/\./g, '\\.')}\\s+4\\s+64521`, 'm'));
  }
});

/** OLM's webhook configurations for this install (one per webhookdefinition) and the CA it gave the webhook server. */
async function olmWebhooks(): Promise<{ names: string[]; services: string[]; caBundles: string[] }> {
  const list = JSON.parse(await kubectl('get', 'validatingwebhookconfiguration', '-l', `olm.owner.namespace=${NS}`, '-o', 'json')) as { items: { webhooks: { name: string; clientConfig: { caBundle?: string; service?: { name: string } } }[] }[] };
  const hooks = list.items.flatMap((i) => i.webhooks);
  return { names: hooks.map((h) => h.name).sort(), services: [...new Set(hooks.map((h) => h.clientConfig.service?.name ?? ''))], caBundles: [...new Set(hooks.map((h) => h.clientConfig.caBundle ?? ''))] };
}

test('the admission webhook under OLM (webhookdefinitions), called by the apiserver over the pod network: `kubectl apply` of an overlapping pool is refused, a good one accepted', async () => {
  const file = join(tmpdir(), `metallb-e2e-webhook-${process.pid}.yaml`);
  const pool = (name: string, cidr: string): string => `apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: ${name}\n  namespace: ${NS}\nspec:\n  addresses: [${cidr}]\n`;
  try {
    writeFileSync(file, pool('e2e-overlap', '192.168.5.128/25'));
    const refused = await lab('kubectl', 'apply', '-f', file);
    assert.notEqual(refused.code, 0);
    assert.match(refused.err, /admission webhook "ipaddresspoolvalidationwebhook\.metallb\.io" denied the request: pool "first-pool" \(192\.168\.5\.0\/24\) overlaps pool "e2e-overlap" \(192\.168\.5\.128\/25\)|denied the request: pool "e2e-overlap" \(192\.168\.5\.128\/25\) overlaps pool "first-pool"/);
    measured['webhookRefusal'] = refused.err.trim();
    writeFileSync(file, pool('e2e-fine', '192.168.250.0/28'));
    assert.equal((await lab('kubectl', 'apply', '-f', file)).code, 0);
    await kubectl('-n', NS, 'delete', 'ipaddresspool', 'e2e-fine');
    // OLM registered the CSV's webhooks for its webhook Deployment, with the CA it made; the
    // operator rendered no configuration of its own (--webhook olm).
    const olm = await olmWebhooks();
    measured['olmWebhooks'] = olm.names;
    assert.equal(olm.names.length, 7);
    assert.deepEqual(olm.services, ['metallb-operator-webhook-server-service']);
    assert.ok(olm.caBundles.length === 1 && olm.caBundles[0]!.length > 100, 'one CA, OLM\'s');
    assert.equal((await lab('kubectl', 'get', 'validatingwebhookconfiguration', `metallb-${NS}-webhook-configuration`)).code, 1, 'no configuration of the operator\'s');
    assert.equal((await kubectl('-n', NS, 'get', 'deployment', 'controller', '-o', 'jsonpath={.spec.template.spec.containers[0].args}')).includes('webhook'), false, 'the controller serves no webhook');
  } finally {
    rmSync(file, { force: true });
  }
});

test('BGPPeer conversion by OLM\'s webhook server over the pod network: a full replace through v1beta1 (`kubectl replace`) keeps the v1beta2-only fields', async () => {
  // The operator switched the CRD once the webhook server was available: OLM's Service, /convert, OLM's CA.
  type ClientConfig = { caBundle?: string; service?: { name: string; namespace: string; path: string } };
  type CRD = { spec: { conversion: { strategy: string; webhook?: { clientConfig: ClientConfig } } } };
  const readCRD = async (): Promise<CRD> => JSON.parse(await kubectl('get', 'crd', 'bgppeers.metallb.io', '-o', 'json')) as CRD;
  assert.equal((await readCRD()).spec.conversion.strategy, 'Webhook');
  // What OLM does during an install or upgrade: the bundle's CRD (strategy None) applied again.
  // The operator watches that CRD and switches it back.
  await kubectl('patch', 'crd', 'bgppeers.metallb.io', '--type', 'merge', '-p', JSON.stringify({ spec: { conversion: { strategy: 'None', webhook: null } } }));
  const reset = Date.now();
  const crd = await poll('the operator to switch conversion back to Webhook', async () => {
    const c = await readCRD();
    return c.spec.conversion.strategy === 'Webhook' ? c : undefined;
  }, 30_000);
  measured['conversionRestoredMs'] = Date.now() - reset;
  assert.deepEqual(crd.spec.conversion.webhook?.clientConfig.service, { name: 'metallb-operator-webhook-server-service', namespace: NS, path: '/convert', port: 9443 });
  assert.equal(crd.spec.conversion.webhook?.clientConfig.caBundle, (await olmWebhooks()).caBundles[0]);
  const file = join(tmpdir(), `metallb-e2e-conversion-${process.pid}.json`);
  try {
    writeFileSync(file, JSON.stringify({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'e2e-conversion', namespace: NS }, spec: { myASN: 64520, peerASN: 64999, peerAddress: '192.168.133.250', connectTime: '7s', dualStackAddressFamily: true } }));
    assert.equal((await lab('kubectl', 'apply', '-f', file)).code, 0);
    const seen = JSON.parse(await kubectl('-n', NS, 'get', 'bgppeers.v1beta1.metallb.io', 'e2e-conversion', '-o', 'json')) as { metadata: { annotations?: Record<string, string> }; spec: Record<string, unknown> };
    measured['conversionAnnotation'] = seen.metadata.annotations?.['metallb.io/v1beta2-fields'];
    assert.equal(seen.spec['connectTime'], undefined, 'v1beta1 has no connectTime');
    writeFileSync(file, JSON.stringify({ ...seen, spec: { ...seen.spec, holdTime: '30s' } }));
    const replaced = await lab('kubectl', 'replace', '-f', file);
    assert.equal(replaced.code, 0, replaced.err);
    const stored = JSON.parse(await kubectl('-n', NS, 'get', 'bgppeers.v1beta2.metallb.io', 'e2e-conversion', '-o', 'json')) as { metadata: { annotations?: Record<string, string> }; spec: Record<string, unknown> };
    measured['conversionStored'] = stored.spec;
    assert.deepEqual(stored.spec, { myASN: 64520, peerASN: 64999, peerAddress: '192.168.133.250', holdTime: '30s', connectTime: '7s', dualStackAddressFamily: true });
    assert.equal(stored.metadata.annotations?.['metallb.io/v1beta2-fields'], undefined);
  } finally {
    await kubectl('-n', NS, 'delete', 'bgppeers.v1beta2.metallb.io', 'e2e-conversion', '--ignore-not-found');
    rmSync(file, { force: true });
  }
});

/** Scrapes each target as Prometheus would (HTTPS, the CA, serverName, the pod's token) and once without a token; one JSON line each. */
const SCRAPER = `
const https = require('node:https');
const fs = require('node:fs');
const token = fs.readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/token', 'utf8');
const get = (t, auth) => new Promise((resolve) => {
  const req = https.get({ host: t.address, port: t.port, path: '/metrics', ca: fs.readFileSync(t.caFile), servername: t.serverName, headers: auth ? { authorization: 'Bearer ' + token } : {}, timeout: 10000 }, (res) => {
    let body = ''; res.on('data', (c) => (body += c)); res.on('end', () => resolve({ status: res.statusCode, body }));
  });
  req.on('error', (e) => resolve({ status: 0, body: String(e) }));
  req.on('timeout', () => req.destroy(new Error('timeout')));
});
(async () => {
  for (const t of JSON.parse(process.env.TARGETS)) {
    const ok = await get(t, true);
    const anonymous = await get(t, false);
    console.log(JSON.stringify({ ...t, status: ok.status, body: ok.body, anonymousStatus: anonymous.status }));
  }
})();
`;

test('metrics as the ServiceMonitors say, scraped from a pod: HTTPS with the operator\'s CA and a token allowed "get /metrics"; every name; 401 without a token', async () => {
  type Endpoint = { port: string; scheme: string; bearerTokenFile?: string; tlsConfig: { serverName: string; ca: { secret: { name: string; key: string } } } };
  const monitor = async (name: string): Promise<Endpoint> => (JSON.parse(await kubectl('-n', NS, 'get', 'servicemonitor', name, '-o', 'json')) as { spec: { endpoints: Endpoint[] } }).spec.endpoints[0]!;
  const monitors = { speaker: await monitor('speaker-monitor'), controller: await monitor('controller-monitor') };
  for (const [who, e] of Object.entries(monitors)) {
    assert.equal(e.scheme, 'https', who);
    assert.deepEqual(e.tlsConfig, { ca: { secret: { name: `${who}-certs-secret`, key: 'ca.crt' } }, serverName: `${who}-monitor-service.${NS}.svc` });
  }
  const rules = JSON.parse(await kubectl('-n', NS, 'get', 'prometheusrule', 'metallb-alerts', '-o', 'json')) as { spec: { groups: { rules: { alert: string }[] }[] } };
  assert.deepEqual(rules.spec.groups.flatMap((g) => g.rules.map((r) => r.alert)), ['MetalLBStaleConfig', 'MetalLBConfigNotLoaded', 'MetalLBAddressPoolExhausted', 'MetalLBAddressPoolUsage75Percent', 'MetalLBAddressPoolUsage85Percent', 'MetalLBAddressPoolUsage95Percent', 'MetalLBBGPSessionDown']);
  // The targets Prometheus would discover: the endpoints of each monitor's Service.
  const targets: { who: string; address: string; port: number; serverName: string; caFile: string }[] = [];
  for (const who of ['speaker', 'controller'] as const) {
    const slices = JSON.parse(await kubectl('-n', NS, 'get', 'endpointslices', '-l', `kubernetes.io/service-name=${who}-monitor-service`, '-o', 'json')) as { items: { endpoints?: { addresses: string[] }[]; ports?: { name: string; port: number }[] }[] };
    for (const sl of slices.items) for (const ep of sl.endpoints ?? []) targets.push({ who, address: ep.addresses[0]!, port: sl.ports!.find((p) => p.name === monitors[who].port)!.port, serverName: monitors[who].tlsConfig.serverName, caFile: `/ca/${who}/ca.crt` });
  }
  assert.deepEqual(targets.filter((t) => t.who === 'speaker').map((t) => t.address).sort(), NODE_IPS, 'one target per speaker, on its node');
  const image = await kubectl('-n', NS, 'get', 'deployment', 'controller', '-o', 'jsonpath={.spec.template.spec.containers[0].image}');
  const file = join(tmpdir(), `metallb-e2e-scrape-${process.pid}.yaml`);
  const caVolume = (who: string): string => `  - name: ca-${who}\n    secret: {secretName: ${who}-certs-secret, items: [{key: ca.crt, path: ca.crt}]}\n`;
  writeFileSync(file, `apiVersion: v1
kind: ServiceAccount
metadata: {name: metrics-e2e, namespace: ${NS}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: metrics-e2e-reader}
rules: [{nonResourceURLs: [/metrics], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: metrics-e2e-reader}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: metrics-e2e-reader}
subjects: [{kind: ServiceAccount, name: metrics-e2e, namespace: ${NS}}]
---
apiVersion: v1
kind: Pod
metadata: {name: metrics-e2e, namespace: ${NS}}
spec:
  serviceAccountName: metrics-e2e
  restartPolicy: Never
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: scrape
    image: ${image}
    command: [node, -e, ${JSON.stringify(SCRAPER)}]
    env: [{name: TARGETS, value: ${JSON.stringify(JSON.stringify(targets))}}]
    securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
    volumeMounts: [{name: ca-speaker, mountPath: /ca/speaker}, {name: ca-controller, mountPath: /ca/controller}]
  volumes:
${caVolume('speaker')}${caVolume('controller')}`);
  try {
    await kubectl('apply', '-f', file);
    await poll('the scraping pod to finish', async () => {
      const phase = await kubectl('-n', NS, 'get', 'pod', 'metrics-e2e', '-o', 'jsonpath={.status.phase}');
      if (phase === 'Failed') throw new Error(`the scraping pod failed: ${await kubectl('-n', NS, 'logs', 'metrics-e2e')}`);
      return phase === 'Succeeded' ? true : undefined;
    }, 120_000, 500);
    const results = (await kubectl('-n', NS, 'logs', 'metrics-e2e')).trim().split('\n').map((l) => JSON.parse(l) as { who: string; address: string; status: number; body: string; anonymousStatus: number });
    assert.equal(results.length, targets.length);
    const catalog = ALL_METRICS;
    for (const r of results) {
      assert.equal(r.status, 200, `${r.who} ${r.address}: ${r.body.slice(0, 300)}`);
      assert.equal(r.anonymousStatus, 401, `${r.who} ${r.address} without a token`);
      for (const d of catalog.filter((x) => x.programs.includes(r.who as 'speaker' | 'controller'))) assert.match(r.body, new RegExp(`^# TYPE ${d.name} ${d.type}$`, 'm'), `${r.who} ${r.address}: ${d.name}`);
      assert.equal(sample(r.body, 'metallb_k8s_client_config_loaded_bool'), 1, `${r.who} ${r.address}`);
      if (r.who === 'speaker') {
        assert.equal(sample(r.body, 'metallb_bgp_session_up', { peer: ROUTER, vrf: 'default' }), 1, r.address);
        assert.equal(sample(r.body, 'metallb_bfd_session_up', { peer: ROUTER, vrf: 'default' }), 1, r.address);
        assert.ok(sample(r.body, 'metallb_bfd_control_packet_input', { peer: ROUTER, vrf: 'default' })! > 0, r.address);
        assert.equal(sample(r.body, 'metallb_speaker_announced', { ip: demoIP, protocol: 'bgp', service: 'demo/demo' }), 1, r.address);
      }
    }
    // Only the leading controller allocates, so one target exports the pools.
    assert.ok(results.some((r) => r.who === 'controller' && sample(r.body, 'metallb_allocator_addresses_in_use_total', { pool: 'address-pool-bgp' }) !== undefined), 'the pool series');
    measured['metricsScrape'] = results.map((r) => ({ who: r.who, address: r.address, status: r.status, anonymous: r.anonymousStatus, lines: r.body.split('\n').length }));
  } finally {
    await lab('kubectl', 'delete', '--ignore-not-found', '-f', file);
    rmSync(file, { force: true });
  }
});

/** The demo Service's ServiceBGPStatus records owned by the speaker pods running now: [node, peers, owner pod]. */
async function demoBGPStatusOwnedByPods(): Promise<void> {
  await poll('a ServiceBGPStatus per node for demo, owned by that node\'s speaker pod', async () => {
    const s = await speakers();
    const list = JSON.parse(await kubectl('-n', NS, 'get', 'servicebgpstatus', '-l', 'metallb.io/service-name=demo,metallb.io/service-namespace=demo', '-o', 'json')) as { items: { metadata: { ownerReferences?: { kind: string; name: string; uid: string }[] }; status: { node: string; peers: string[] } }[] };
    const got = list.items.map((i) => [i.status.node, i.status.peers.join(), i.metadata.ownerReferences?.map((o) => `${o.kind}/${o.name}/${o.uid}`).join()]).sort();
    const want = NODES.map((n) => [n, 'peer-test', `Pod/${s[n]?.metadata.name}/${s[n]?.metadata.uid}`]).sort();
    return JSON.stringify(got) === JSON.stringify(want) ? true : undefined;
  }, 60_000, 500);
}

test('the router has the demo IP via both nodes; curl from the client reaches demo pods on both', async () => {
  await ecmp(demoIP);
  const seen = await curlReaches(demoIP, NODES);
  assert.deepEqual([...seen].sort(), NODES);
  // what the speakers say they announce, where upstream users look (`oc get servicebgpstatus`)
  await demoBGPStatusOwnedByPods();
});

test('the speaker runs with exactly the capabilities its containers ask for (within the SCC), and the runtime refuses the rest', async () => {
  const CAPS: Record<string, number> = {
    CHOWN: 0,
    DAC_OVERRIDE: 1,
    KILL: 5,
    SETGID: 6,
    SETUID: 7,
    NET_BIND_SERVICE: 10,
    NET_ADMIN: 12,
    NET_RAW: 13,
    SYS_ADMIN: 21,
  };
  const sp = Object.values(await speakers())[0]!;
  // What the OpenShift rendering's SCC allows: the same renderer, for the same CR.
  const cr = await kubectl('-n', NS, 'get', 'metallb', 'metallb', '-o', 'yaml');
  const crFile = '/tmp/metallb-pods-test-cr.yaml';
  writeFileSync(crFile, cr);
  let rendered = '';
  try {
    assert.equal(await main(['render-manifests', '-f', crFile, '--openshift'], { stdout: (t) => void (rendered += t), stderr: () => undefined }), 0);
  } finally {
    rmSync(crFile, { force: true });
  }
  const scc = parseObjects(rendered, 'render-manifests').find((o) => o.kind === 'SecurityContextConstraints');
  assert.ok(scc, 'the OpenShift rendering has an SCC');
  const allowed = new Set((scc['allowedCapabilities'] as string[] | undefined) ?? []);
  assert.equal(scc['allowHostNetwork'], true);
  for (const c of sp.spec.containers) {
    const want = [...(c.securityContext?.capabilities?.add ?? [])].sort();
    for (const cap of want) assert.ok(allowed.has(cap), `${c.name} adds ${cap}, which the SCC allows`);
    const status = await kubectl('-n', NS, 'exec', sp.metadata.name, '-c', c.name, '--', 'cat', '/proc/1/status');
    const eff = BigInt(`0x${/^CapEff:\s*([0-9a-f]+)$/m.exec(status)![1]}`);
    const bnd = BigInt(`0x${/^CapBnd:\s*([0-9a-f]+)$/m.exec(status)![1]}`);
    const has = Object.keys(CAPS).filter((n) => (eff >> BigInt(CAPS[n]!)) & 1n).sort();
    assert.deepEqual(has, want, `${c.name}: effective capabilities are the ones it adds`);
    const mask = want.reduce((m, n) => m | (1n << BigInt(CAPS[n]!)), 0n);
    assert.equal(eff, mask, `${c.name}: no capability beyond those (CapEff ${eff.toString(16)})`);
    assert.equal(bnd, mask, `${c.name}: and none it could regain (CapBnd ${bnd.toString(16)})`);
  }
  // The speaker container lacks NET_ADMIN: creating a link in the node's network is refused.
  const r = await lab('kubectl', '-n', NS, 'exec', sp.metadata.name, '-c', 'speaker', '--', 'ip', 'link', 'add', 'mlbcaptest', 'type', 'dummy');
  assert.notEqual(r.code, 0, 'ip link add must fail without NET_ADMIN');
  assert.match(r.err + r.out, /Operation not permitted/);
  const gone = await lab('kubectl', '-n', NS, 'exec', sp.metadata.name, '-c', 'speaker', '--', 'ip', 'link', 'show', 'mlbcaptest');
  assert.notEqual(gone.code, 0, 'and no such link exists');  // FRR's daemons open no vty TCP port on the node (issue 18.7): only unix sockets, which only the
  // pod's containers share. /proc/net/tcp* of the host network, from inside the frr container.
  const listening = new Set<number>();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const table = await kubectl('-n', NS, 'exec', sp.metadata.name, '-c', 'frr', '--', 'cat', f);
    for (const row of table.split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      if (cols[3] === '0A') listening.add(parseInt(cols[1]!.split(':')[1]!, 16)); // 0A = LISTEN
    }
  }
  const vtyPorts = [2601, 2605, 2616, 2617]; // zebra, bgpd, staticd, bfdd
  assert.deepEqual(vtyPorts.filter((p) => listening.has(p)), [], `vty TCP listeners on the node: ${[...listening].sort((a, b) => a - b).join(' ')}`);
});

interface PodDeletion {
  podReadyMs: number;
  sessionBackMs: number;
  msWithoutRoute: number;
  events: RouteEvent[];
  otherResets: number;
  notifications: number;
  lastResetDueTo: string;
}

/**
 * Deletes the speaker pod of a node and waits for the DaemonSet's new one to be Established again,
 * watching the router's route for the demo IP meanwhile.
 */
async function deleteSpeakerPod(node: string): Promise<PodDeletion> {
  const ip = NODE_IPS[NODES.indexOf(node)]!;
  const other = NODE_IPS.find((x) => x !== ip)!;
  await ecmp(demoIP);
  const victim = (await speakers())[node]!.metadata.name;
  const nBefore = await neighbors(routerVtysh());
  const watch = watchRouteGaps(state().router!.ns, `${demoIP}/32`, NODE_IPS);
  await watch.ready;
  const t0 = performance.now();
  await kubectl('-n', NS, 'delete', 'pod', victim, '--wait=false');
  await poll(`a new speaker pod Ready on ${node}`, async () => {
    const p = (await speakers())[node];
    return p && p.metadata.name !== victim ? p : undefined;
  }, 180_000, 250);
  const podReadyMs = performance.now() - t0;
  await poll(`${node}'s new speaker Established again at the router`, async () => {
    const n = await neighbors(routerVtysh());
    return n[ip]?.bgpState === 'Established' && n[ip].connectionsEstablished > nBefore[ip]!.connectionsEstablished ? true : undefined;
  }, 120_000, 250);
  const sessionBackMs = performance.now() - t0;
  await ecmp(demoIP);
  // Past the new session's End-of-RIB and one more resync of the speaker.
  await sleep(6000);
  const seen = watch.stop();
  const nAfter = await neighbors(routerVtysh());
  return {
    podReadyMs: Math.round(podReadyMs), sessionBackMs: Math.round(sessionBackMs), msWithoutRoute: seen.worstGapMs, events: seen.events,
    otherResets: nAfter[other]!.connectionsEstablished - nBefore[other]!.connectionsEstablished,
    // NOTIFICATIONs either way: the router's, or the node's (a Cease/BFD Down ends graceful restart).
    notifications: notificationsOf(nAfter[ip]!) - notificationsOf(nBefore[ip]!),
    lastResetDueTo: nAfter[ip]!.lastResetDueTo ?? '',
  };
}

const notificationsOf = (n: Neighbor): number => (n.messageStats?.notificationsRecv ?? 0) + (n.messageStats?.notificationsSent ?? 0);

/** The lab's BGPPeer without its BFD profile for the duration of fn (see the drill below). */
async function withoutBfd<T>(fn: () => Promise<T>): Promise<T> {
  await kubectl('-n', NS, 'patch', 'bgppeers.v1beta2.metallb.io', 'peer-test', '--type', 'json', '-p', JSON.stringify([{ op: 'remove', path: '/spec/bfdProfile' }]));
  try {
    await poll('the speakers without BFD', async () => {
      for (const p of Object.values(await speakers())) if ((await vtyshIn(p.metadata.name, 'show running-config')).includes(`neighbor ${ROUTER} bfd`)) return undefined;
      return true;
    }, 60_000, 500);
    return await fn();
  } finally {
    await kubectl('-n', NS, 'patch', 'bgppeers.v1beta2.metallb.io', 'peer-test', '--type', 'merge', '-p', JSON.stringify({ spec: { bfdProfile: 'test-bfd-prof' } }));
  }
}

// With BFD (the seed's profile) and without: graceful restart keeps the route at the router. With
// BFD this holds because the speaker configures a session's BFD only once the new bgpd has brought
// that session up (src/speaker/bfd-gate.ts); before, FRR 8.4 re-registered BFD at Established and
// the node's bgpd sent Cease/BFD Down, a hard reset (the route was gone 1-3 s).
test('drill: a speaker pod deleted → the DaemonSet brings it back; with graceful restart the router keeps the route', async () => {
  const withBfd = await deleteSpeakerPod(NODES[0]!);
  measured['speakerPodDeleteWithBfd'] = { ...withBfd, events: withBfd.events.length };
  assert.equal(withBfd.msWithoutRoute, 0, `with BFD, the router's route lost a node for ${withBfd.msWithoutRoute} ms: ${JSON.stringify(withBfd.events)}`);
  assert.equal(withBfd.events.length, 0, 'the route never changed');
  assert.equal(withBfd.notifications, 0, `no session reset on the router (last reset: ${withBfd.lastResetDueTo})`);
  assert.equal(withBfd.otherResets, 0, 'the other node\'s session is untouched');
  await bfdBackUp();
  const gr = await withoutBfd(() => deleteSpeakerPod(NODES[0]!));
  measured['speakerPodDeleteGracefulRestart'] = { ...gr, events: gr.events.length };
  assert.equal(gr.msWithoutRoute, 0, `the router's route lost a node for ${gr.msWithoutRoute} ms: ${JSON.stringify(gr.events)}`);
  assert.equal(gr.events.length, 0, 'the route never changed');
  assert.equal(gr.notifications, 0, `no session reset on the router (last reset: ${gr.lastResetDueTo})`);
  assert.equal(gr.otherResets, 0, 'the other node\'s session is untouched');
  await bfdBackUp();
  await curlReaches(demoIP, NODES);
  // the deleted pods' records went with them; the new pods own theirs
  await demoBGPStatusOwnedByPods();
});

async function bfdBackUp(): Promise<void> {
  for (const [node, p] of Object.entries(await speakers())) {
    await poll(`${node}: BFD up again`, async () => ((JSON.parse(await vtyshIn(p.metadata.name, 'show bfd peers json')) as { peer: string; status: string }[]).some((x) => x.peer === ROUTER && x.status === 'up') ? true : undefined), 90_000, 500);
  }
}

test('drill: cordon + drain a node → its next hop is withdrawn; uncordon → it is back', async () => {
  const node = NODES[1]!;
  await ecmp(demoIP);
  const t0 = performance.now();
  await kubectl('cordon', node);
  await ecmp(demoIP, [NODE_IPS[0]!]);
  const withdrawnMs = performance.now() - t0;
  // --force: OLM's catalog pod has no controller; OLM makes a new one.
  await kubectl('drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--timeout=120s');
  // The speaker stays (DaemonSet) with its session; the demo pods moved to the other node.
  assert.ok((await speakers())[node], 'the drained node keeps its speaker');
  assert.equal((await neighbors(routerVtysh()))[NODE_IPS[1]!]?.bgpState, 'Established');
  await poll('every demo pod on the other node', async () => ((await pods('demo', 'app=demo')).filter(ready).every((p) => p.spec.nodeName === NODES[0]) ? true : undefined), 120_000, 500);
  assert.deepEqual([...(await curlReaches(demoIP, [NODES[0]!]))], [NODES[0]]);
  await kubectl('uncordon', node);
  await ecmp(demoIP);
  measured['cordon'] = { withdrawnMs: Math.round(withdrawnMs) };
  // Spread the demo again for what follows: new pods scheduled one after the other under its
  // topology spread (a rollout restart would not do: its surge pod counts the old ones).
  await kubectl('-n', 'demo', 'scale', 'deployment/demo', '--replicas=0');
  await poll('no demo pod left', async () => ((await pods('demo', 'app=demo')).length === 0 ? true : undefined), 120_000, 500);
  await kubectl('-n', 'demo', 'scale', 'deployment/demo', '--replicas=2');
  await kubectl('-n', 'demo', 'rollout', 'status', '--timeout=120s', 'deployment/demo');
  assert.deepEqual((await pods('demo', 'app=demo')).map((p) => p.spec.nodeName).sort(), NODES, 'one demo pod per node again');
});

test('drill: the MetalLB CR\'s nodeSelector and speakerTolerations move the speaker pods', async () => {
  const seedSelector = { 'node-role.kubernetes.io/worker': '' };
  await kubectl('-n', NS, 'patch', 'metallb', 'metallb', '--type', 'merge', '-p', JSON.stringify({ spec: { nodeSelector: { 'kubernetes.io/hostname': NODES[0] } } }));
  await speakersOn([NODES[0]!], 'speakers only on the selected node');
  await ecmp(demoIP, [NODE_IPS[0]!]);
  // A taint the speaker does not tolerate keeps it off a node; a toleration in the CR brings it.
  await kubectl('taint', 'node', NODES[1]!, 'example.com/dedicated=metallb:NoSchedule');
  try {
    // A merge patch merges maps: the hostname key goes by null.
    await kubectl('-n', NS, 'patch', 'metallb', 'metallb', '--type', 'merge', '-p', JSON.stringify({ spec: { nodeSelector: { ...seedSelector, 'kubernetes.io/hostname': null } } }));
    await poll('the DaemonSet back on the seed\'s nodeSelector', async () => ((await kubectl('-n', NS, 'get', 'daemonset', 'speaker', '-o', 'jsonpath={.spec.template.spec.nodeSelector}')).includes('kubernetes.io/hostname') ? undefined : true), 60_000, 500);
    await sleep(5000);
    assert.deepEqual(Object.keys(await speakers()), [NODES[0]], 'the tainted node gets no speaker');
    await kubectl('-n', NS, 'patch', 'metallb', 'metallb', '--type', 'merge', '-p', JSON.stringify({ spec: { speakerTolerations: [{ key: 'example.com/dedicated', operator: 'Equal', value: 'metallb', effect: 'NoSchedule' }] } }));
    await speakersOn(NODES, 'a speaker on the tainted node once tolerated');
    await ecmp(demoIP);
  } finally {
    await lab('kubectl', 'taint', 'node', NODES[1]!, 'example.com/dedicated-');
  }
  await kubectl('-n', NS, 'patch', 'metallb', 'metallb', '--type', 'json', '-p', JSON.stringify([{ op: 'remove', path: '/spec/speakerTolerations' }]));
  // The template changed: wait for its rollout, not only for two ready pods (the old ones are, until
  // the DaemonSet controller gets to them: the next test would see them replaced under it).
  await poll('the DaemonSet without the tolerations', async () => ((await kubectl('-n', NS, 'get', 'daemonset', 'speaker', '-o', 'jsonpath={.spec.template.spec.tolerations}')).includes('example.com/dedicated') ? undefined : true), 60_000, 500);
  await kubectl('-n', NS, 'rollout', 'status', '--timeout=300s', 'daemonset/speaker');
  await speakersOn(NODES, 'speakers on both nodes');
  await ecmp(demoIP);
});

// On the graceful-restart peer without BFD, for the reason the pod-delete drill gives.
test('upgrade through OLM: catalog 0.1.1 → the Subscription upgrades, the speakers roll node by node, the route never goes', async () => withoutBfd(async () => {
  await ecmp(demoIP);
  const images = readImageIndex(imagesIndex());
  const pin = (suffix: string): string => {
    const i = images.find((x) => x.ref.endsWith(suffix));
    assert.ok(i, `make images built ${suffix}`);
    return pinnedRef(i);
  };
  // Both bundles name our images by digest, and 0.1.1's are other images than 0.1.0's.
  const ours = async (): Promise<string[]> => [...new Set((await kubectl('-n', NS, 'get', 'pods', '-o', 'jsonpath={range .items[*]}{range .spec.containers[*]}{.image}{"\\n"}{end}{end}')).split('\n').filter((i) => i.includes('/metallb-operator-ts/')))].sort();
  assert.deepEqual(await ours(), [pin('/metallb:v0.1.0'), pin('/speaker:v0.1.0')], 'the 0.1.0 install runs our images by digest');
  assert.notEqual(pin('/speaker:v0.1.1'), pin('/speaker:v0.1.0'));
  await kubectl('-n', NS, 'rollout', 'status', '--timeout=300s', 'daemonset/speaker');
  const before = await speakersOn(NODES, 'both speakers ready before the upgrade');
  const watch = watchRouteGaps(state().router!.ns, `${demoIP}/32`, NODE_IPS);
  await watch.ready;
  const t0 = performance.now();
  await kubectl('-n', 'openshift-marketplace', 'patch', 'catalogsource', 'metallb-operator-ts', '--type', 'merge', '-p', JSON.stringify({ spec: { image: pin('/metallb-operator-catalog:v0.1.1') } }));
  await poll('the Subscription to install 0.1.1', async () => ((await kubectl('-n', NS, 'get', 'subscription', 'metallb-operator-sub', '-o', 'jsonpath={.status.installedCSV}')) === 'metallb-operator.v0.1.1' ? true : undefined), 300_000, 1000);
  await poll('CSV 0.1.1 Succeeded', async () => ((await lab('kubectl', '-n', NS, 'get', 'csv', 'metallb-operator.v0.1.1', '-o', 'jsonpath={.status.phase}')).out === 'Succeeded' ? true : undefined), 300_000, 1000);
  const csvMs = performance.now() - t0;
  assert.equal(await kubectl('-n', NS, 'get', 'csv', 'metallb-operator.v0.1.1', '-o', 'jsonpath={.spec.replaces}'), 'metallb-operator.v0.1.0');
  // The new operator renders the speakers with the 0.1.1 image: the DaemonSet rolls them.
  await poll('the speaker DaemonSet on the 0.1.1 image', async () => ((await kubectl('-n', NS, 'get', 'daemonset', 'speaker', '-o', 'jsonpath={.spec.template.spec.containers[0].image}')) === pin('/speaker:v0.1.1') ? true : undefined), 180_000, 1000);
  await kubectl('-n', NS, 'rollout', 'status', '--timeout=300s', 'daemonset/speaker');
  const after = await speakersOn(NODES, 'new speaker pods on both nodes');
  for (const n of NODES) assert.notEqual(after[n]!.metadata.name, before[n]!.metadata.name, `${n}'s speaker was replaced`);
  assert.equal(await kubectl('-n', NS, 'get', 'daemonset', 'speaker', '-o', 'jsonpath={.spec.updateStrategy.rollingUpdate.maxUnavailable}'), '1', 'one node at a time');
  await poll('both sessions Established', async () => {
    const n = await neighbors(routerVtysh());
    return NODE_IPS.every((ip) => n[ip]?.bgpState === 'Established') ? true : undefined;
  }, 120_000, 500);
  await sleep(3000);
  const seen = watch.stop();
  measured['upgrade'] = { subscriptionToCsvSucceededMs: Math.round(csvMs), totalMs: Math.round(performance.now() - t0), secondsWithoutRoute: seen.worstGapMs / 1000, routeEvents: seen.events.length };
  assert.equal(seen.worstGapMs, 0, `the router's route lost a node for ${seen.worstGapMs} ms during the upgrade: ${JSON.stringify(seen.events)}`);
  await kubectl('-n', NS, 'wait', '--for=condition=Available', '--timeout=120s', 'metallb/metallb');
  await poll('only 0.1.1 images, by digest', async () => (JSON.stringify(await ours()) === JSON.stringify([pin('/metallb:v0.1.1'), pin('/speaker:v0.1.1')]) ? true : undefined), 180_000, 1000);
  await curlReaches(demoIP, NODES);
}));

// 15.2: an OperatorGroup without targetNamespaces (upstream's CSV requires one) also installs us.
// OLM re-checks the running CSV against the changed OperatorGroup: with OwnNamespace alone it
// would fail it (UnsupportedOperatorGroup) and remove the operator's pod.
test('install modes: the OperatorGroup made global (AllNamespaces) keeps the CSV Succeeded and the operator reconciling', async () => {
  await kubectl('-n', NS, 'patch', 'operatorgroup', 'metallb-operator', '--type', 'json', '-p', JSON.stringify([{ op: 'remove', path: '/spec/targetNamespaces' }]));
  await poll('the OperatorGroup to target all namespaces', async () => ((await kubectl('-n', NS, 'get', 'operatorgroup', 'metallb-operator', '-o', 'jsonpath={.status.namespaces}')) === '[""]' ? true : undefined), 120_000, 1000);
  const csv = 'metallb-operator.v0.1.1';
  type Annotated = { metadata: { annotations?: Record<string, string> }; status?: { phase?: string; reason?: string; message?: string } };
  // OLM copies the OperatorGroup's new target ("" = all) onto the CSV and re-checks it: then Succeeded,
  // where a CSV without AllNamespaces goes Failed (UnsupportedOperatorGroup).
  const phase = await poll('CSV Succeeded with olm.targetNamespaces ""', async () => {
    const c = JSON.parse(await kubectl('-n', NS, 'get', 'csv', csv, '-o', 'json')) as Annotated;
    assert.notEqual(c.status?.phase, 'Failed', `CSV: ${c.status?.reason}: ${c.status?.message}`);
    return c.metadata.annotations?.['olm.targetNamespaces'] === '' && c.status?.phase === 'Succeeded' ? `${c.status.phase}/${c.status.reason}` : undefined;
  }, 300_000, 1000);
  measured['allNamespaces'] = { csv: phase };
  await poll('the operator Deployment re-rendered by OLM for all namespaces', async () => {
    const d = JSON.parse(await kubectl('-n', NS, 'get', 'deployment', 'metallb-operator-controller-manager', '-o', 'json')) as { spec: { template: Annotated } };
    return d.spec.template.metadata.annotations?.['olm.targetNamespaces'] === '' ? true : undefined;
  }, 120_000, 1000);
  await kubectl('-n', NS, 'rollout', 'status', '--timeout=180s', 'deployment/metallb-operator-controller-manager');
  // The operator still owns the installation: an edit of the MetalLB CR reaches the speakers.
  await kubectl('-n', NS, 'patch', 'metallb', 'metallb', '--type', 'merge', '-p', JSON.stringify({ spec: { logLevel: 'debug' } }));
  await poll('the speaker DaemonSet re-rendered with --log-level=debug', async () => ((await kubectl('-n', NS, 'get', 'daemonset', 'speaker', '-o', 'jsonpath={.spec.template.spec.containers[0].args}')).includes('--log-level=debug') ? true : undefined), 120_000, 1000);
  await kubectl('-n', NS, 'rollout', 'status', '--timeout=300s', 'daemonset/speaker');
  await kubectl('-n', NS, 'wait', '--for=condition=Available', '--timeout=120s', 'metallb/metallb');
  await ecmp(demoIP);
});

test('down leaves nothing: no process, namespace, cgroup or mount of this lab', async () => {
  const s = state();
  const pids = [...Object.values(s.pids), ...s.frrPids];
  assert.equal((await lab('down')).code, 0);
  assert.equal(readState(), undefined);
  assert.deepEqual(pids.filter(alive), []);
  assert.deepEqual(s.namespaces.filter((ns) => existsSync(`/run/netns/${ns}`)), []);
  const cgroups = readdirSync('/sys/fs/cgroup').flatMap((h) => {
    try {
      return readdirSync(`/sys/fs/cgroup/${h}`).filter((d) => d.startsWith(labPrefix())).map((d) => `${h}/${d}`);
    } catch {
      return [];
    }
  });
  assert.deepEqual(cgroups, []);
  assert.deepEqual(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(`${labPrefix()}`) || l.includes('lab-e2e-pods')), []);
});
