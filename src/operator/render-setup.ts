// Binds the pure renderer to the templates on disk and the images from the environment: the
// render function the operator program (and the tests) hand to the reconciler.
import type { Obj } from '../k8s/client.js';
import type { MetalLB } from '../api/metallb.js';
import { renderManifests } from './render.js';
import type { ClusterFacts } from './render.js';
import { loadTemplates } from './templates.js';
import { imagesFromEnv } from './images.js';

export function operatorRender(
  namespace?: string,
  templatesDir?: string,
  env: NodeJS.ProcessEnv = process.env,
): (cr: MetalLB, openshift: boolean, cluster?: ClusterFacts) => Obj[] {
  const templates = loadTemplates(templatesDir);
  const images = imagesFromEnv(env);
  return (cr, openshift, cluster) => renderManifests({ metallb: cr, namespace: namespace ?? cr.metadata.namespace ?? 'metallb-system', images, openshift, templates, ...(cluster ? { cluster } : {}) });
}
