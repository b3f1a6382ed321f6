// OLM for the pods lab: upstream's own install manifests (deploy/upstream/quickstart of the
// operator-lifecycle-manager module hack/build-tools.sh builds), changed only where this cluster
// differs (pure; tested):
// - images: the digests of quay.io/operator-framework/olm become our build's tag, and nothing is
//   pulled (IfNotPresent); catalog-operator's opm and configmap-server images are our opm build;
// - the global catalog namespace is `openshift-marketplace`, as on OpenShift, so seed 002's
//   CatalogSource and Subscription (operator/olm/) apply unchanged;
// - single-dash long flags become `--flag` (see walk);
// - operatorhub.io's CatalogSource is left out (its image can only come from a registry).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseObjects } from '../api/yaml.js';
import type { Obj } from '../api/object.js';
import { repoRoot } from '../util/repo-root.js';

export const GLOBAL_CATALOG_NAMESPACE = 'openshift-marketplace';
export const OLM_NAMESPACE = 'olm';

/** The version hack/build-tools.sh pins for one of its tools. */
export function toolVersion(name: string): string {
  const m = new RegExp(`^ {2}"${name} \\S+ (v[0-9.]+) `, 'm').exec(readFileSync(join(repoRoot(), 'hack/build-tools.sh'), 'utf8'));
  if (!m) throw new Error(`hack/build-tools.sh pins no ${name}`);
  return m[1]!;
}

export interface OlmImages {
  olm: string;
  opm: string;
}

const isOlmImage = (v: string): boolean => /^quay\.io\/operator-framework\/olm[@:]/.test(v);

function walk(v: unknown, images: OlmImages): unknown {
  if (typeof v === 'string') return isOlmImage(v.trim()) ? images.olm : v;
  if (Array.isArray(v)) {
    const out = v.map((x) => walk(x, images));
    // Container args: the value after a namespace flag, and the images catalog-operator starts.
    for (let i = 0; i < out.length; i++) {
      const a = out[i];
      if ((a === '-namespace' || a === '--namespace' || a === '--global-namespace') && out[i + 1] === OLM_NAMESPACE) out[i + 1] = GLOBAL_CATALOG_NAMESPACE;
      if (typeof a === 'string' && a.startsWith('-configmapServerImage=')) out.splice(i, 1, `-configmapServerImage=${images.opm}`, `-opmImage=${images.opm}`);
    }
    // v0.38's binaries parse flags with cobra/pflag, which reads `-namespace` as the shorthands
    // -n -a -m ...; the quickstart still spells Go-flag style, so long flags get their second dash.
    return out.map((a) => (typeof a === 'string' && /^-[A-Za-z][A-Za-z-]+(=|$)/.test(a) ? `-${a}` : a));
  }
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = k === 'imagePullPolicy' ? 'IfNotPresent' : walk(x, images);
    return o;
  }
  return v;
}

/** Upstream's olm.yaml, for this cluster. */
export function olmObjects(text: string, images: OlmImages): Obj[] {
  return parseObjects(text, 'olm.yaml')
    .filter((o) => !(o.kind === 'CatalogSource' && o.metadata?.name === 'operatorhubio-catalog'))
    .map((o) => walk(o, images) as Obj);
}

/** Where hack/build-tools.sh keeps OLM's manifests (crds.yaml, olm.yaml). */
export const olmDeployDir = (): string => join(repoRoot(), '.cache/tools', `olm-${toolVersion('olm')}`, 'deploy');
