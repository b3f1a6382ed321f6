// Where BGPPeer's CRD sends conversions (pure; docs/adr/0017). The CRDs are installed with
// strategy None (OLM, kustomize, `oc apply` of the bundle all work without a webhook running);
// the operator switches bgppeers.metallb.io to its webhook's /convert (the controller's, or under
// OLM the CSV's webhook server: docs/adr/0018) once it serves, and back to None when its MetalLB goes. Only one installation can own a cluster-wide
// CRD's conversion: the oldest; the others leave it alone (any replica converts the same way).
import type { Obj } from '../k8s/client.js';
import { OLM_WEBHOOK_SERVICE, WEBHOOK_SERVICE } from '../api/object-names.js';
import { CONVERT_PATH } from '../webhook/server.js';
import { INJECT_CABUNDLE_ANNOTATION } from './names.js';

export const BGPPEER_CRD = 'bgppeers.metallb.io';

export interface ConversionTarget {
  namespace: string;
  /** The Service in front of the webhook: the controller's, or the one OLM made for its webhook Deployment. */
  service: typeof WEBHOOK_SERVICE | typeof OLM_WEBHOOK_SERVICE;
  port: number;
  /** The CA of the webhook's certificate (PEM); undefined where service-ca injects it. */
  caBundle?: string;
}

const OUR_SERVICES: readonly string[] = [WEBHOOK_SERVICE, OLM_WEBHOOK_SERVICE];

interface LiveConversion {
  strategy?: string;
  webhook?: {
    clientConfig?: { service?: { namespace?: string; name?: string; path?: string; port?: number }; caBundle?: string };
    conversionReviewVersions?: string[];
  };
}

const conversionOf = (crd: Obj): LiveConversion => ((crd['spec'] as { conversion?: LiveConversion } | undefined)?.conversion ?? {});

/** Whether the CRD's conversion calls a webhook Service of ours in `namespace` (either mode's). */
export function pointsAt(crd: Obj, namespace: string): boolean {
  const c = conversionOf(crd);
  const s = c.webhook?.clientConfig?.service;
  return c.strategy === 'Webhook' && s?.namespace === namespace && OUR_SERVICES.includes(s.name ?? '');
}

/**
 * The merge patch that makes the CRD's conversion match: `target` set: our controller's /convert;
 * undefined: strategy None if it points at `namespace` (ours), else nothing to do. Undefined
 * result: already as wanted.
 */
export function conversionPatch(crd: Obj, namespace: string, target: ConversionTarget | undefined): Record<string, unknown> | undefined {
  if (!target) return pointsAt(crd, namespace) ? { spec: { conversion: { strategy: 'None', webhook: null } } } : undefined;
  const c = conversionOf(crd);
  const caBundle = target.caBundle === undefined ? undefined : Buffer.from(target.caBundle).toString('base64');
  const annotations = crd.metadata?.annotations ?? {};
  const wantsInjection = target.caBundle === undefined;
  const svc = c.webhook?.clientConfig?.service;
  const same =
    c.strategy === 'Webhook' &&
    svc?.namespace === target.namespace &&
    svc.name === target.service &&
    svc.path === CONVERT_PATH &&
    svc.port === target.port &&
    (wantsInjection ? annotations[INJECT_CABUNDLE_ANNOTATION] === 'true' : c.webhook?.clientConfig?.caBundle === caBundle) &&
    JSON.stringify(c.webhook?.conversionReviewVersions) === '["v1"]';
  if (same) return undefined;
  const clientConfig: Record<string, unknown> = { service: { namespace: target.namespace, name: target.service, path: CONVERT_PATH, port: target.port } };
  if (caBundle) clientConfig['caBundle'] = caBundle;
  return {
    metadata: { annotations: { [INJECT_CABUNDLE_ANNOTATION]: wantsInjection ? 'true' : null } },
    spec: { conversion: { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig } } },
  };
}
