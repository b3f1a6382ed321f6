// The admission webhook registered on a test control plane: the configuration the operator
// renders (only its clientConfig pointed at this process instead of the Service: no pod network
// here), the controller serving it as the controller ServiceAccount with its rendered RBAC. Used by
// the webhook tests and by the API tests on Kubernetes 1.27, where the IP rules live in the webhook.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlPlane } from './controlplane.js';
import { Kube } from '../../src/k8s/client.js';
import type { Obj } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { silentLogger } from '../../src/util/log.js';
import { runController } from '../../src/controller/run.js';
import type { ControllerHandle } from '../../src/controller/run.js';
import { operatorRender } from '../../src/operator/render-setup.js';
import type { MetalLB } from '../../src/api/metallb.js';
import { issueServing, makeCA } from '../../src/util/x509.js';
import { serviceAccountKubeconfig } from './service-account.js';
import { installWorkloadClusterRBAC } from './workload-rbac.js';

export interface TestWebhook {
  controller: ControllerHandle;
  /** Holds tls.crt/tls.key the controller serves (re-read every 500 ms) and the SA kubeconfig. */
  dir: string;
  vwcName: string;
  /** The CA of the serving certificate (PEM), for a clientConfig of our own (the conversion test). */
  caPem: string;
  stop(): Promise<void>;
}

/** What the apiserver answers a create with: '' when it was stored, else the error message. */
export async function create(admin: Kube, o: Obj): Promise<string> {
  try {
    await admin.request('POST', await admin.collectionPath(o.apiVersion!, o.kind!, o.metadata?.namespace), o);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

/** Registers the webhook for `namespace` (which must exist) and waits until the apiserver calls it. */
export async function startTestWebhook(cp: ControlPlane, admin: Kube, namespace: string): Promise<TestWebhook> {
  const dir = mkdtempSync(join(tmpdir(), 'metallb-wh-'));
  const ca = makeCA('metallb-webhook-test-ca', 1);
  const leaf = issueServing(ca, '127.0.0.1', ['127.0.0.1'], 1);
  writeFileSync(join(dir, 'tls.crt'), leaf.certPem);
  writeFileSync(join(dir, 'tls.key'), leaf.keyPem, { mode: 0o600 });
  // The operator's rendering: the controller's identity and RBAC, and the webhook configuration.
  const cr = { apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', metadata: { name: 'metallb', namespace }, spec: {} } as MetalLB;
  const rendered = operatorRender(namespace)(cr, false, { peerSecrets: [], nodes: [], webhook: { caBundle: ca.certPem } });
  const isController = (o: Obj): boolean => o.metadata?.labels?.['app.kubernetes.io/component'] === 'controller';
  for (const o of rendered.filter((x) => isController(x) && ['ServiceAccount', 'Role', 'RoleBinding'].includes(x.kind ?? ''))) await admin.apply(o);
  // Its cluster-wide rules, as the install creates them.
  const removeClusterRBAC = await installWorkloadClusterRBAC(admin, namespace);
  const sa = new Kube(loadKubeConfig(await serviceAccountKubeconfig(admin, cp.kubeconfigPath, namespace, 'controller', dir)), 'wh-controller');
  const controller = await runController({ kube: sa, log: silentLogger(), namespace, identity: 'wh', webhook: { host: '127.0.0.1', port: 0, certDir: dir, certPollMs: 500 } });
  const vwc = rendered.find((o) => o.kind === 'ValidatingWebhookConfiguration')!;
  const vwcName = vwc.metadata!.name!;
  for (const h of vwc['webhooks'] as { clientConfig: { service?: { path: string }; url?: string; caBundle?: string } }[]) {
    h.clientConfig = { url: `https://127.0.0.1:${controller.webhookPort()}${h.clientConfig.service!.path}`, caBundle: h.clientConfig.caBundle! };
  }
  await admin.apply(vwc);
  // The configuration takes effect when the apiserver's informer sees it: wait for a refusal.
  const pool = (name: string): Obj => ({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name, namespace }, spec: { addresses: ['203.0.113.0/28'] } });
  await admin.apply(pool('probe-a'));
  const t0 = Date.now();
  while (!(await create(admin, pool('probe-b')))) {
    await admin.delete({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', name: 'probe-b', namespace });
    if (Date.now() - t0 > 30_000) throw new Error('the webhook configuration never took effect');
    await new Promise((r) => setTimeout(r, 200));
  }
  await admin.delete({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', name: 'probe-a', namespace });
  return {
    controller,
    dir,
    vwcName,
    caPem: ca.certPem,
    async stop(): Promise<void> {
      await admin.delete({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', name: vwcName }).catch(() => undefined);
      await controller.stop();
      await removeClusterRBAC();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
