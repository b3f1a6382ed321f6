// Wiring of `metallb operator`: discovery (OpenShift or not), templates, the reconciler.
import type { Kube, Obj } from '../k8s/client.js';
import { hasServiceCA, isOpenShift } from '../k8s/discovery.js';
import type { Logger } from '../util/log.js';
import { MetalLBOperator } from './reconciler.js';
import type { MetalLB } from '../api/metallb.js';

export interface OperatorDeps {
  kube: Kube;
  log: Logger;
  namespace: string;
  /** Renders the objects for a CR (pure); bound to templates and images by the caller. */
  render: (cr: MetalLB, openshift: boolean) => Obj[];
  /** Overrides discovery (tests of both modes on one control plane). */
  openshift?: boolean;
  /** Deploy the validating admission webhook (the command's default: on). */
  webhook?: boolean;
}

export async function runOperator(d: OperatorDeps): Promise<MetalLBOperator> {
  const openshift = d.openshift ?? (await isOpenShift(d.kube));
  // The webhook's certificate: service-ca's where it runs, else one the operator issues.
  const webhook = d.webhook ? ((await hasServiceCA(d.kube)) ? 'service-ca' : 'self-signed') : undefined;
  d.log.info('operator starting', { event: 'start', namespace: d.namespace, openshift, webhook: webhook ?? 'off' });
  const op = new MetalLBOperator({ kube: d.kube, log: d.log, namespace: d.namespace, openshift, render: d.render, ...(webhook ? { webhook } : {}) });
  await op.start();
  return op;
}
