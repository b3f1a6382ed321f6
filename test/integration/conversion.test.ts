// BGPPeer's conversion webhook through a real apiserver (issue 15.1, docs/adr/0017): the CRD's
// conversion pointed at the controller in this process (no pod network here: a URL instead of
// the Service the operator names), and what a user of each version sees. The same full replace
// through v1beta1 with strategy None shows what the webhook prevents (ADR 0002's loss).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getTestCluster } from '../helpers/controlplane.js';
import { Kube } from '../../src/k8s/client.js';
import type { Obj } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { create, startTestWebhook } from '../helpers/test-webhook.js';
import type { TestWebhook } from '../helpers/test-webhook.js';
import { V1BETA2_FIELDS_ANNOTATION } from '../../src/api/bgppeer-conversion.js';
import { BGPPEER_CRD } from '../../src/operator/crd-conversion.js';
import { CONVERT_PATH } from '../../src/webhook/server.js';
import { poll } from '../helpers/poll.js';

const NS = 'metallb-conv';
const CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: BGPPEER_CRD };
let admin: Kube;
let webhook: TestWebhook | undefined;

const ref = (name: string, version: string): { apiVersion: string; kind: string; name: string; namespace: string } => ({ apiVersion: `metallb.io/${version}`, kind: 'BGPPeer', name, namespace: NS });
const get = async (name: string, version: string): Promise<Obj> => (await admin.get<Obj>(ref(name, version)))!;
const spec = (o: Obj): Record<string, unknown> => o['spec'] as Record<string, unknown>;
const annotation = (o: Obj): string | undefined => o.metadata?.annotations?.[V1BETA2_FIELDS_ANNOTATION];
/**
 * A full replace through `version`, as `kubectl edit` or a GET+PUT controller does: read, edit,
 * write back, again on a conflict (the controller here writes the peers' status meanwhile).
 * Returns the object it read last and the error ('' when stored).
 */
async function replace(name: string, version: string, edit: (spec: Record<string, unknown>) => Record<string, unknown>): Promise<{ seen: Obj; error: string }> {
  for (let attempt = 0; ; attempt++) {
    const seen = await get(name, version);
    const error = await admin.request('PUT', await admin.resourcePath(refOf(seen)), { ...seen, spec: edit(spec(seen)) }).then(() => '', (e: Error) => e.message);
    if (!error.startsWith('HTTP 409') || attempt >= 10) return { seen, error };
  }
}
const refOf = (o: Obj): { apiVersion: string; kind: string; name: string; namespace: string } => ({
  apiVersion: o.apiVersion!,
  kind: o.kind!,
  name: o.metadata!.name!,
  namespace: NS,
});

/** Sets the CRD's conversion and waits until the apiserver converts that way (a v1beta1 read shows it). */
async function useConversion(conversion: Record<string, unknown>, probe: (o: Obj) => boolean): Promise<void> {
  await admin.mergePatch(CRD, { spec: { conversion } });
  await poll('the apiserver to use the new conversion', async () => (probe(await get('conv-probe', 'v1beta1')) ? true : undefined), 30_000);
}

const webhookConversion = (): Record<string, unknown> => ({
  strategy: 'Webhook',
  webhook: { conversionReviewVersions: ['v1'], clientConfig: { url: `https://127.0.0.1:${webhook!.controller.webhookPort()}${CONVERT_PATH}`, caBundle: Buffer.from(webhook!.caPem).toString('base64') } },
});
const noConversion = { strategy: 'None', webhook: null };

before(async () => {
  const cp = await getTestCluster();
  admin = new Kube(loadKubeConfig(cp.kubeconfigPath), 'conv-admin');
  await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  webhook = await startTestWebhook(cp, admin, NS);
  // A peer whose v1beta1 view tells which conversion the apiserver runs (the annotation or not).
  assert.equal(await create(admin, { apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'conv-probe', namespace: NS }, spec: { myASN: 64520, peerASN: 64530, peerAddress: '192.0.2.200', connectTime: '7s' } }), '');
  await useConversion(webhookConversion(), (o) => annotation(o) !== undefined);
});

after(async () => {
  // Whatever happened above, the CRD must not be left calling a webhook that is about to stop.
  await admin.mergePatch(CRD, { spec: { conversion: noConversion } }).catch(() => undefined);
  await webhook?.stop();
  await admin.delete({ apiVersion: 'v1', kind: 'Namespace', name: NS }).catch(() => undefined);
  admin?.close();
});

const V1BETA2_ONLY = { connectTime: '10s', dualStackAddressFamily: true, enableGracefulRestart: true, localASN: 64999, passwordSecret: { name: 'peer-secret' } };

test('a v1beta2 peer read through v1beta1 carries its v1beta2 fields in the annotation; a full replace through v1beta1 keeps them', async () => {
  assert.equal(await create(admin, { apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'conv-a', namespace: NS }, spec: { myASN: 64520, peerASN: 64530, peerAddress: '192.0.2.10', holdTime: '90s', ...V1BETA2_ONLY } }), '');
  const seen = await get('conv-a', 'v1beta1');
  assert.deepEqual(spec(seen), { myASN: 64520, peerASN: 64530, peerAddress: '192.0.2.10', holdTime: '90s' });
  assert.deepEqual(JSON.parse(annotation(seen)!), V1BETA2_ONLY);
  console.log(`v1beta1 view: spec ${JSON.stringify(spec(seen))}; ${V1BETA2_FIELDS_ANNOTATION}: ${annotation(seen)}`);
  assert.equal((await replace('conv-a', 'v1beta1', (s) => ({ ...s, holdTime: '30s' }))).error, '');
  const stored = await get('conv-a', 'v1beta2');
  assert.deepEqual(spec(stored), { myASN: 64520, peerASN: 64530, peerAddress: '192.0.2.10', holdTime: '30s', ...V1BETA2_ONLY });
  assert.equal(annotation(stored), undefined, 'the annotation is dissolved into the stored spec');
});

test('seed 002 style: a peer created through v1beta1 is stored as written, with no annotation', async () => {
  const written = { myASN: 64520, peerASN: 64531, peerAddress: '192.0.2.11', ebgpMultiHop: true };
  assert.equal(await create(admin, { apiVersion: 'metallb.io/v1beta1', kind: 'BGPPeer', metadata: { name: 'conv-b', namespace: NS }, spec: written }), '');
  const stored = await get('conv-b', 'v1beta2');
  assert.deepEqual(spec(stored), written);
  assert.equal(annotation(stored), undefined);
  assert.equal(annotation(await get('conv-b', 'v1beta1')), undefined, 'a peer with no v1beta2-only field has nothing to carry');
});

test('an unnumbered peer (no peerAddress, no peerASN: v1beta1 requires both) replaced through v1beta1 loses nothing', async () => {
  assert.equal(await create(admin, { apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'conv-c', namespace: NS }, spec: { myASN: 64520, dynamicASN: 'external', interface: 'eth1' } }), '');
  // Whether the apiserver takes it depends on its version: 1.30+ ratchets the "required" of an
  // object it already stores, older ones refuse. Either way no field may go.
  const { error } = await replace('conv-c', 'v1beta1', (s) => ({ ...s, holdTime: '30s' }));
  console.log(`v1beta1 replace of an unnumbered peer: ${error || 'stored'}`);
  const stored = spec(await get('conv-c', 'v1beta2'));
  if (error) {
    assert.match(error, /spec\.peerAddress: Required value/);
    assert.deepEqual(stored, { myASN: 64520, dynamicASN: 'external', interface: 'eth1' }, 'refused: nothing changed');
  } else assert.deepEqual(stored, { myASN: 64520, dynamicASN: 'external', interface: 'eth1', holdTime: '30s' }, 'stored: the edit and every v1beta2 field');
});

test('control: with strategy None the same replace through v1beta1 loses the v1beta2 fields (what the webhook prevents)', async () => {
  await useConversion(noConversion, (o) => annotation(o) === undefined);
  try {
    assert.equal(await create(admin, { apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'conv-d', namespace: NS }, spec: { myASN: 64520, peerASN: 64530, peerAddress: '192.0.2.12', ...V1BETA2_ONLY } }), '');
    assert.equal((await replace('conv-d', 'v1beta1', (s) => ({ ...s, holdTime: '30s' }))).error, '');
    const after = spec(await get('conv-d', 'v1beta2'));
    const lost = Object.keys(V1BETA2_ONLY).filter((k) => !(k in after));
    console.log(`strategy None, replace through v1beta1: lost ${lost.join(', ')}`);
    assert.deepEqual(lost, Object.keys(V1BETA2_ONLY));
  } finally {
    await useConversion(webhookConversion(), (o) => annotation(o) !== undefined);
  }
});
