// The metallb.io API on the oldest Kubernetes we support, 1.27 (OpenShift 4.14), built from the Go
// module proxy like the pinned one (hack/apiserver-1.27): a plane of its own (that kube-apiserver
// on the pinned etcd, no controllers), the CRDs installed by `kubectl apply --server-side`
// (strict field validation: a field 1.27 does not know, such as a rule's fieldPath, would refuse
// the CRD), the same suite as on 1.33, and the rules that need CEL's IP library (1.31+) refused by
// the admission webhook.
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { oldestApiServerVersion, startControlPlane } from '../helpers/controlplane.js';
import type { ControlPlane } from '../helpers/controlplane.js';
import { apiSuite } from '../helpers/api-suite.js';

let cp: ControlPlane | undefined;

apiSuite('1.27', async () => {
  const version = oldestApiServerVersion();
  cp = await startControlPlane({ withControllerManager: false, apiServerVersion: version });
  const v = await cp.kubectl(['get', '--raw', '/version']);
  assert.equal((JSON.parse(v.stdout) as { gitVersion: string }).gitVersion, version, 'the old apiserver answers');
  await cp.installCRDs();
  return cp;
}, { webhook: true });

after(async () => {
  await cp?.stop();
});
