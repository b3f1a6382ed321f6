// The controller's and the speaker's cluster-wide RBAC (not their ServiceAccounts, which the
// operator applies) as an installer creates it for one
// namespace (config/rbac/workloads.yaml; OLM does the same from the CSV's clusterPermissions):
// named per namespace, as OLM's generated names are, so tests in several namespaces of one
// control plane do not rebind each other's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kube, Obj } from '../../src/k8s/client.js';
import { parseObjects } from '../../src/api/yaml.js';
import { repoRoot } from '../../src/util/repo-root.js';

export function workloadClusterRBAC(namespace: string): Obj[] {
  const objs = parseObjects(readFileSync(join(repoRoot(), 'config/rbac/workloads.yaml'), 'utf8'));
  return objs.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding').map((o) => {
    const r = structuredClone(o);
    r.metadata = { ...r.metadata, name: `${r.metadata?.name ?? ''}-${namespace}` };
    const ref = r['roleRef'] as { name: string } | undefined;
    if (ref) ref.name = `${ref.name}-${namespace}`;
    for (const s of (r['subjects'] as { namespace?: string }[] | undefined) ?? []) s.namespace = namespace;
    return r;
  });
}

/** Applies them for `namespace`; returns a function that deletes them again. */
export async function installWorkloadClusterRBAC(admin: Kube, namespace: string): Promise<() => Promise<void>> {
  const objs = workloadClusterRBAC(namespace);
  for (const o of objs) await admin.apply(o);
  return async () => {
    for (const o of objs) await admin.delete({ apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata?.name ?? '' });
  };
}
