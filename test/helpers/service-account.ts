// A client that acts as one ServiceAccount and nothing else: a TokenRequest token in a kubeconfig
// of its own, so a test sees exactly what RBAC grants that identity.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kube } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { toYaml } from '../../src/api/yaml.js';

/** Writes `<dir>/<sa>.kubeconfig` holding a 1 h token of `namespace/sa` (requested by `admin`); its path. */
export async function serviceAccountKubeconfig(admin: Kube, adminKubeconfig: string, namespace: string, sa: string, dir: string): Promise<string> {
  const tr = (await admin.request('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${sa}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } })) as { status: { token: string } };
  const { cluster } = loadKubeConfig(adminKubeconfig);
  const kc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: cluster.server, 'certificate-authority-data': cluster.ca!.toString('base64') } }],
    users: [{ name: sa, user: { token: tr.status.token } }],
    contexts: [{ name: 'sa', context: { cluster: 'c', user: sa } }],
    'current-context': 'sa',
  };
  const path = join(dir, `${sa}.kubeconfig`);
  writeFileSync(path, toYaml(kc), { mode: 0o600 });
  return path;
}
