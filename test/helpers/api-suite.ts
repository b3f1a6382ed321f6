// The metallb.io API on a real kube-apiserver (test/integration/api*.test.ts run it on each version): the seeds are accepted unchanged, every invalid
// variant is rejected naming its field, and BGPPeer round-trips between v1beta1 and v1beta2.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlPlane } from './controlplane.js';
import { INVALID, VALID } from '../api/cases.js';
import { create, startTestWebhook } from './test-webhook.js';
import type { TestWebhook } from './test-webhook.js';
import { Kube } from '../../src/k8s/client.js';
import type { Obj } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { KubeError } from '../../src/k8s/errors.js';
import { repoRoot } from '../../src/util/repo-root.js';

const NS = 'metallb-system';

/**
 * The API tests on one apiserver. `start` gives the cluster (CRDs installed); with `webhook`, the
 * rules only the admission webhook checks (CEL's IP library is 1.31+) are tested through it too.
 */
export function apiSuite(label: string, start: () => Promise<ControlPlane>, opts: { webhook?: boolean } = {}): void {
  let cp: ControlPlane;
  let kube: Kube;
  let webhook: TestWebhook | undefined;

  before(async () => {
    cp = await start();
    kube = new Kube(loadKubeConfig(cp.kubeconfigPath), 'api-test');
    const r = await cp.kubectl(['create', 'namespace', NS]);
    assert.ok(r.code === 0 || /AlreadyExists/.test(r.stderr), r.stderr);
  });

  after(async () => {
    await webhook?.stop();
    kube?.close();
  });

  test(`${label}: every seed CR in config/samples is accepted by the real apiserver (kubectl apply)`, async () => {
    const dir = join(repoRoot(), 'config/samples');
    const files = readdirSync(dir).filter((f) => f.startsWith('metallb_') && f.endsWith('.yaml'));
    assert.equal(files.length, 6);
    for (const f of files) {
      const r = await cp.kubectl(['apply', '-f', join(dir, f)]);
      assert.equal(r.code, 0, `${f}: ${r.stderr}`);
      assert.match(r.stdout, /(created|configured|unchanged)/);
    }
    // the deprecated AddressPool is served with a warning pointing at its replacement
    const again = await cp.kubectl(['apply', '-f', join(dir, 'metallb_v1beta1_addresspool.yaml')]);
    assert.match(again.stderr, /AddressPool is deprecated; use IPAddressPool/);
    const pools = await cp.kubectl(['get', 'ipaddresspools', '-n', NS]);
    assert.match(pools.stdout, /AUTO ASSIGN\s+AVOID BUGGY IPS\s+ADDRESSES/);
    assert.match(pools.stdout, /first-pool\s+true\s+false\s+\["192.168.5.0\/24"\]/);
    const peers = await cp.kubectl(['get', 'bgppeers', '-n', NS]);
    assert.match(peers.stdout, /peer-test\s+192.168.133.1\s+64521\s+test-bfd-prof/);
  });

  test(`${label}: the other valid objects are accepted`, async () => {
    // In a namespace of their own, so later tests (the operator's) do not inherit their fields.
    await cp.kubectl(['create', 'namespace', 'api-valid']);
    for (const obj of VALID) await kube.apply({ ...obj, metadata: { ...obj.metadata, namespace: 'api-valid' } });
  });

  for (const c of INVALID.filter((x) => !x.webhook)) {
    test(`${label}: the apiserver rejects: ${c.name}`, async () => {
      const err = await kube.apply(c.object).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof KubeError, `expected a rejection, the object was accepted`);
      // 422 from validation; a type mismatch is refused earlier by server-side apply's typed patch
      assert.ok([400, 422, 500].includes(err.statusCode ?? 0), `unexpected status ${err.statusCode}: ${err.message}`);
      const field = c.crdField ?? c.field;
      assert.ok(err.message.includes(field), `error does not name ${field}: ${err.message}`);
      assert.ok(err.message.includes(c.message), `error does not say "${c.message}": ${err.message}`);
    });
  }

  test(`${label}: BGPPeer enableGracefulRestart is immutable (as upstream); disableMP: true alone is accepted`, async () => {
    const peer = (spec: Record<string, unknown>): Obj => ({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'gr-peer', namespace: NS }, spec: { myASN: 64520, peerASN: 64521, peerAddress: '192.168.133.9', ...spec } });
    await kube.apply(peer({ enableGracefulRestart: true, disableMP: true }));
    for (const change of [{ enableGracefulRestart: false }, {}]) {
      const r = await cp.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=api-test', '-f', '-'], JSON.stringify(peer({ ...change, disableMP: true })));
      assert.notEqual(r.code, 0, `changing enableGracefulRestart to ${JSON.stringify(change)} was accepted`);
      assert.match(r.stderr, /spec: Invalid value: .*enableGracefulRestart cannot be changed after creation/);
    }
    // other fields still change
    await kube.apply(peer({ enableGracefulRestart: true, disableMP: true, holdTime: '30s' }));
    await kube.delete({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', name: 'gr-peer', namespace: NS });
    // off from the start, it stays off
    await kube.apply(peer({}));
    const r = await cp.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=api-test', '-f', '-'], JSON.stringify(peer({ enableGracefulRestart: true })));
    assert.notEqual(r.code, 0);
    await kube.delete({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', name: 'gr-peer', namespace: NS });
  });

  test(`${label}: a BGPPeer written as v1beta1 reads back as v1beta2 with every field, and back`, async () => {
    const spec = {
      myASN: 64520, peerASN: 64521, peerAddress: '192.168.133.7', sourceAddress: '192.168.133.71', peerPort: 1179,
      holdTime: '9s', keepaliveTime: '3s', routerID: '10.1.1.1', password: 'pw', bfdProfile: 'test-bfd-prof',
      ebgpMultiHop: true, vrf: 'red', nodeSelectors: [{ matchLabels: { zone: 'a' } }, { matchExpressions: [{ key: 'rack', operator: 'In', values: ['1'] }] }],
    };
    await kube.apply({ apiVersion: 'metallb.io/v1beta1', kind: 'BGPPeer', metadata: { name: 'roundtrip', namespace: NS }, spec });
    const v2 = await kube.get<Obj>({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', name: 'roundtrip', namespace: NS });
    assert.equal(v2?.apiVersion, 'metallb.io/v1beta2');
    assert.deepEqual(v2?.['spec'], spec);

    const v2only = { ...spec, connectTime: '5s', enableGracefulRestart: true, dualStackAddressFamily: true, localASN: 65000 };
    await kube.apply({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'roundtrip2', namespace: NS }, spec: v2only });
    const v1 = await kube.get<Obj>({ apiVersion: 'metallb.io/v1beta1', kind: 'BGPPeer', name: 'roundtrip2', namespace: NS });
    assert.equal(v1?.apiVersion, 'metallb.io/v1beta1');
    assert.deepEqual(v1?.['spec'], spec, 'v1beta1 shows every field it has, and only those');
  });

  if (opts.webhook) {
    test(`${label}: the webhook registered, with the controller serving it`, async () => {
      webhook = await startTestWebhook(cp, kube, NS);
    });
    for (const c of INVALID.filter((x) => x.webhook)) {
      test(`${label}: the webhook refuses: ${c.name}`, async () => {
        const msg = await create(kube, c.object);
        assert.match(msg, /admission webhook "[a-z0-9]+validationwebhook\.metallb\.io" denied the request/, msg || 'accepted');
        assert.ok(msg.includes(`${c.field}: `) && msg.includes(c.message), `${c.field}: ${c.message} in ${msg}`);
      });
    }
  }
}
