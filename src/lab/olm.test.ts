import { test } from 'node:test';
import assert from 'node:assert/strict';
import { olmObjects } from './olm.js';
import { pinnedRef } from './node-runtime.js';
import { pinCatalogSource, withGracefulRestart } from './up-pods.js';

// The shape of upstream's quickstart olm.yaml, cut to what the transform touches.
const OLM_YAML = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: catalog-operator, namespace: olm}
spec:
  template:
    spec:
      containers:
      - name: catalog-operator
        command: [/bin/catalog]
        args: ['-namespace', olm, -configmapServerImage=quay.io/operator-framework/configmap-operator-registry:latest, -util-image, quay.io/operator-framework/olm@sha256:e74b]
        image: quay.io/operator-framework/olm@sha256:e74b
        imagePullPolicy: Always
---
apiVersion: operators.coreos.com/v1alpha1
kind: CatalogSource
metadata: {name: operatorhubio-catalog, namespace: olm}
spec: {sourceType: grpc, image: quay.io/operatorhubio/catalog:latest}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: aggregate-olm-view}
rules: [{apiGroups: [operators.coreos.com], resources: ['*'], verbs: [get, list, watch]}]
`;

test('olmObjects: local images, IfNotPresent, openshift-marketplace, --flags, no operatorhub.io catalog', () => {
  const objs = olmObjects(OLM_YAML, { olm: 'quay.io/operator-framework/olm:v0.38.0', opm: 'quay.io/operator-framework/opm:v1.59.0' });
  assert.deepEqual(objs.map((o) => o.kind), ['Deployment', 'ClusterRole']);
  type Container = { args: string[]; image: string; imagePullPolicy: string };
  const c = (objs[0] as unknown as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec.containers[0]!;
  assert.equal(c.image, 'quay.io/operator-framework/olm:v0.38.0');
  assert.equal(c.imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(c.args, ['--namespace', 'openshift-marketplace', '--configmapServerImage=quay.io/operator-framework/opm:v1.59.0', '--opmImage=quay.io/operator-framework/opm:v1.59.0', '--util-image', 'quay.io/operator-framework/olm:v0.38.0']);
  assert.deepEqual((objs[1] as unknown as { rules: { verbs: string[] }[] }).rules[0]!.verbs, ['get', 'list', 'watch'], 'other lists are left alone');
});

test('pinnedRef and pinCatalogSource: the tag becomes the digest the nodes know', () => {
  const img = { ref: 'quay.io/metallb-operator-ts/metallb-operator-catalog:v0.1.0', archive: '/x.tar', digest: 'sha256:abc', aliases: [] };
  assert.equal(pinnedRef(img), 'quay.io/metallb-operator-ts/metallb-operator-catalog@sha256:abc');
  assert.equal(pinnedRef({ ref: 'localhost:5000/x', digest: 'sha256:1' }), 'localhost:5000/x@sha256:1');
  const cs = 'kind: CatalogSource\nspec:\n  sourceType: grpc\n  image: quay.io/metallb-operator-ts/metallb-operator-catalog:v0.1.0\n  displayName: x\n';
  assert.match(pinCatalogSource(cs, [img]), /^ {2}image: quay\.io\/metallb-operator-ts\/metallb-operator-catalog@sha256:abc$/m);
  assert.throws(() => pinCatalogSource(cs.replace('v0.1.0', 'v9'), [img]), /is not in .*make images/);
});

test('withGracefulRestart: seed 002\'s peer as v1beta2 with enableGracefulRestart, nothing else changed', () => {
  const out = withGracefulRestart('apiVersion: metallb.io/v1beta1\nkind: BGPPeer\nmetadata: {name: p, namespace: metallb-system}\nspec: {myASN: 64520, peerASN: 64521, peerAddress: 192.168.133.1, bfdProfile: b}\n');
  assert.match(out, /apiVersion: metallb\.io\/v1beta2/);
  assert.match(out, /enableGracefulRestart: true/);
  assert.match(out, /bfdProfile: b/);
});
