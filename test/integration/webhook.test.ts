// The validating admission webhook through a real apiserver (issues 15.1 and 18.2): the
// configuration the operator renders (only its clientConfig pointed at this process instead of
// the Service: no pod network here), the controller serving it with the controller
// ServiceAccount's rendered RBAC, and every rule refused with the message kubectl prints.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTestCluster } from '../helpers/controlplane.js';
import type { ControlPlane } from '../helpers/controlplane.js';
import { Kube } from '../../src/k8s/client.js';
import type { Obj } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { silentLogger } from '../../src/util/log.js';
import { runController } from '../../src/controller/run.js';
import { issueServing, makeCA } from '../../src/util/x509.js';
import { serviceAccountKubeconfig } from '../helpers/service-account.js';
import { parseObjects } from '../../src/api/yaml.js';
import { repoRoot } from '../../src/util/repo-root.js';
import { create as createAs, startTestWebhook } from '../helpers/test-webhook.js';
import type { TestWebhook } from '../helpers/test-webhook.js';
import { INVALID } from '../api/cases.js';

const NS = 'metallb-wh';
const OTHER = 'metallb-wh-other';
let cp: ControlPlane;
let admin: Kube;
let dir: string;
let vwcName = '';
let webhook: TestWebhook | undefined;

const obj = (kind: string, name: string, spec: Record<string, unknown>, apiVersion = 'metallb.io/v1beta1', namespace = NS): Obj => ({ apiVersion, kind, metadata: { name, namespace }, spec });
const peer = (name: string, spec: Record<string, unknown>, apiVersion = 'metallb.io/v1beta2'): Obj => obj('BGPPeer', name, { myASN: 64520, peerASN: 64501, ...spec }, apiVersion);

const create = (o: Obj): Promise<string> => createAs(admin, o);

const denied = (hook: string, message: string): RegExp => new RegExp(`admission webhook "${hook}" denied the request: ${message.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`);

before(async () => {
  cp = await getTestCluster();
  admin = new Kube(loadKubeConfig(cp.kubeconfigPath), 'wh-admin');
  for (const ns of [NS, OTHER]) await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  webhook = await startTestWebhook(cp, admin, NS);
  ({ dir, vwcName } = webhook);
});

after(async () => {
  await webhook?.stop();
  for (const ns of [NS, OTHER]) await admin.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(() => undefined);
  admin?.close();
});

// The rules the CRD cannot carry on Kubernetes < 1.31 (CEL's IP library): the webhook refuses them, naming the field.
for (const c of INVALID.filter((x) => x.webhook)) {
  test(`the webhook refuses: ${c.name}`, async () => {
    const msg = await create({ ...c.object, metadata: { ...c.object.metadata, namespace: NS } });
    assert.match(msg, /admission webhook "[a-z0-9]+validationwebhook\.metallb\.io" denied the request/, msg || 'accepted');
    assert.ok(msg.includes(`${c.field}: `) && msg.includes(c.message), `${c.field}: ${c.message} in ${msg}`);
  });
}

test('config/samples (the seeds\' objects) are accepted as they are', async () => {
  for (const f of ['addresspool', 'bfdprofile', 'bgppeer', 'ipaddresspool', 'bgpadvertisement']) {
    for (const o of parseObjects(readFileSync(join(repoRoot(), `config/samples/metallb_v1beta1_${f}.yaml`), 'utf8'))) {
      assert.equal(await create({ ...o, metadata: { ...o.metadata, namespace: NS } }), '', `config/samples ${f}`);
    }
  }
});

test('an overlapping IPAddressPool is refused, naming both pools; another namespace is not ours', async () => {
  assert.equal(await create(obj('IPAddressPool', 'wh-a', { addresses: ['198.51.100.0/24'] })), '');
  const msg = await create(obj('IPAddressPool', 'wh-b', { addresses: ['198.51.100.128/25'] }));
  assert.match(msg, denied('ipaddresspoolvalidationwebhook.metallb.io', 'pool "wh-b" (198.51.100.128/25) overlaps pool "wh-a" (198.51.100.0/24)'));
  assert.equal(await create(obj('IPAddressPool', 'wh-b', { addresses: ['198.51.100.128/25'] }, 'metallb.io/v1beta1', OTHER)), '', 'the namespaceSelector keeps other namespaces out');
  // An AddressPool (the deprecated kind) is checked against IPAddressPools too.
  const legacy = await create(obj('AddressPool', 'wh-c', { protocol: 'layer2', addresses: ['198.51.100.10-198.51.100.20'] }));
  assert.match(legacy, denied('addresspoolvalidationwebhook.metallb.io', 'pool "wh-c" (198.51.100.10-198.51.100.20) overlaps pool "wh-a" (198.51.100.0/24)'));
});

test('BGPPeers: same address and VRF, a missing BFDProfile, another myASN in the VRF; v1beta1 too', async () => {
  assert.equal(await create(peer('wh-p1', { peerAddress: '192.0.2.1' })), '');
  assert.match(await create(peer('wh-p2', { peerAddress: '192.0.2.1', peerASN: 64502 })), denied('bgppeervalidationwebhook.metallb.io', 'BGPPeer wh-p2: an older BGPPeer already peers with 192.0.2.1 in the default VRF'));
  assert.match(await create(peer('wh-p2', { peerAddress: '192.0.2.1', peerASN: 64502 }, 'metallb.io/v1beta1')), denied('bgppeervalidationwebhook.metallb.io', 'BGPPeer wh-p2: an older BGPPeer already peers with 192.0.2.1'), 'a v1beta1 write is checked as v1beta2');
  assert.equal(await create(peer('wh-p2', { peerAddress: '192.0.2.1', vrf: 'red' })), '', 'another VRF is another session');
  assert.match(await create(peer('wh-p3', { peerAddress: '192.0.2.3', bfdProfile: 'no-such-profile' })), denied('bgppeervalidationwebhook.metallb.io', 'BGPPeer wh-p3: BFDProfile "no-such-profile" does not exist'));
  assert.match(await create(peer('wh-p4', { peerAddress: '192.0.2.4', myASN: 64999 })), denied('bgppeervalidationwebhook.metallb.io', 'BGPPeer wh-p4: myASN 64999 differs from 64520 used by an older peer in the default VRF'));
});

test('advertisements: a missing pool, and aggregationLength 0 (a default route) refused at apply time (18.2)', async () => {
  assert.equal(await create(obj('IPAddressPool', 'wh-agg', { addresses: ['100.64.10.0/24'] })), '');
  assert.match(await create(obj('L2Advertisement', 'wh-l2', { ipAddressPools: ['no-such-pool'] })), denied('l2advertisementvalidationwebhook.metallb.io', 'L2Advertisement wh-l2: ipAddressPools names pool "no-such-pool", which does not exist'));
  assert.match(await create(obj('BGPAdvertisement', 'wh-bgp', { ipAddressPools: ['no-such-pool'] })), denied('bgpadvertisementvalidationwebhook.metallb.io', 'BGPAdvertisement wh-bgp: ipAddressPools names pool "no-such-pool"'));
  assert.match(await create(obj('BGPAdvertisement', 'wh-zero', { ipAddressPools: ['wh-agg'], aggregationLength: 0 })), denied('bgpadvertisementvalidationwebhook.metallb.io', 'BGPAdvertisement wh-zero: aggregationLength 0 is shorter than /24 in pool wh-agg'));
  assert.equal(await create(obj('BGPAdvertisement', 'wh-24', { ipAddressPools: ['wh-agg'], aggregationLength: 24 })), '');
  // Narrowing the pool under it would make the same announcement leave the pool: refused on the pool.
  const pool = (await admin.get<Obj>({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', name: 'wh-agg', namespace: NS }))!;
  const narrowed = { ...pool, spec: { addresses: ['100.64.10.0/26'] } };
  const msg = await admin.request('PUT', await admin.resourcePath({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', name: 'wh-agg', namespace: NS }), narrowed).then(() => '', (e: Error) => e.message);
  assert.match(msg, denied('ipaddresspoolvalidationwebhook.metallb.io', 'BGPAdvertisement wh-24: aggregationLength 24 is shorter than /26 in pool wh-agg'));
});

test('a BFDProfile in use cannot be deleted; once no peer names it, it can', async () => {
  assert.equal(await create(obj('BFDProfile', 'wh-fast', { receiveInterval: 300 })), '');
  assert.equal(await create(peer('wh-bfd', { peerAddress: '192.0.2.9', bfdProfile: 'wh-fast' })), '');
  const ref = { apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', name: 'wh-fast', namespace: NS };
  const msg = await admin.delete(ref).then(() => '', (e: Error) => e.message);
  assert.match(msg, denied('bfdprofilevalidationwebhook.metallb.io', 'BFDProfile wh-fast is used by BGPPeer wh-bfd: remove spec.bfdProfile from it first'));
  assert.ok(await admin.get(ref), 'still there');
  await admin.mergePatch({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', name: 'wh-bfd', namespace: NS }, { spec: { bfdProfile: null } });
  await admin.delete(ref);
  assert.equal(await admin.get(ref), undefined);
});

test('a renewed certificate (another CA) is served without a restart once the files change', async () => {
  const ca = makeCA('metallb-webhook-test-ca-2', 1);
  const leaf = issueServing(ca, '127.0.0.1', ['127.0.0.1'], 1);
  const vwc = (await admin.get<Obj>({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', name: vwcName }))!;
  for (const h of vwc['webhooks'] as { clientConfig: { caBundle?: string } }[]) h.clientConfig.caBundle = Buffer.from(ca.certPem).toString('base64');
  await admin.request('PUT', await admin.resourcePath({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', name: vwcName }), vwc);
  writeFileSync(join(dir, 'tls.key'), leaf.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'tls.crt'), leaf.certPem);
  // Until both the apiserver's bundle and our served certificate are the new ones, calls fail
  // with a TLS error; then the webhook answers again, refusing as before.
  const t0 = Date.now();
  let msg = '';
  while (Date.now() - t0 < 30_000) {
    msg = await create(obj('IPAddressPool', 'wh-rot', { addresses: ['198.51.100.0/30'] }));
    if (/denied the request/.test(msg)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.match(msg, denied('ipaddresspoolvalidationwebhook.metallb.io', 'pool "wh-rot" (198.51.100.0/30) overlaps pool "wh-a" (198.51.100.0/24)'));
});

test('readiness: a replica is not Ready (/readyz 503, /healthz 200) until its webhook serves; it is once the certificate appears', async () => {
  const { createServer } = await import('node:net');
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const empty = mkdtempSync(join(tmpdir(), 'metallb-wh-nocert-'));
  const sa = new Kube(loadKubeConfig(await serviceAccountKubeconfig(admin, cp.kubeconfigPath, NS, 'controller', dir)), 'wh-controller-2');
  const second = await runController({ kube: sa, log: silentLogger(), namespace: NS, identity: 'wh-2', metricsAddress: { host: '127.0.0.1', port }, webhook: { host: '127.0.0.1', port: 0, certDir: empty, certPollMs: 500 } });
  const code = async (path: string): Promise<number> => (await fetch(`http://127.0.0.1:${port}${path}`)).status;
  try {
    assert.deepEqual({ readyz: await code('/readyz'), healthz: await code('/healthz'), ready: second.ready() }, { readyz: 503, healthz: 200, ready: false });
    const ca = makeCA('metallb-webhook-test-ca-3', 1);
    const leaf = issueServing(ca, '127.0.0.1', ['127.0.0.1'], 1);
    writeFileSync(join(empty, 'tls.key'), leaf.keyPem, { mode: 0o600 });
    writeFileSync(join(empty, 'tls.crt'), leaf.certPem);
    // The start is retried every 5 s.
    const t0 = Date.now();
    while (Date.now() - t0 < 15_000 && (await code('/readyz')) !== 200) await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual({ readyz: await code('/readyz'), healthz: await code('/healthz'), ready: second.ready() }, { readyz: 200, healthz: 200, ready: true });
    assert.ok(second.webhookPort() > 0);
  } finally {
    await second.stop();
    rmSync(empty, { recursive: true, force: true });
  }
});
