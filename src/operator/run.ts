// Wiring of `metallb operator`: discovery (OpenShift or not), templates, the reconciler.
import type { Kube, Obj } from '../k8s/client.js';
import { hasMonitoring, hasServiceCA, isOpenShift } from '../k8s/discovery.js';
import type { Logger } from '../util/log.js';
import { MetalLBReconciler } from './reconciler.js';
import { DotILifecycle } from './dot-i-lifecycle.js';
import type { MetalLB } from '../api/metallb.js';
import type { MetricsFacts } from './render.js';

export interface OperatorDeps {
  kube: Kube;
  log: Logger;
  namespace: string;
  /** Renders the objects for a CR (pure); bound to templates and images by the caller. */
  render: (cr: MetalLB, openshift: boolean) => Obj[];
  /** Overrides discovery (tests of both modes on one control plane). */
  openshift?: boolean;
  /** Deploy the validating admission webhook (the command's default: on), or let OLM run it ('olm'); omitted: off. */
  webhook?: 'on' | 'olm';
  /** Serve metrics over HTTPS with a token check (the command's default: on). */
  metricsTls?: boolean;
}

/** The running operator: the library's lifecycle around the reconciler (ADR 0019). */
export type MetalLBOperator = DotILifecycle<MetalLBReconciler>;

export async function runOperator(d: OperatorDeps): Promise<MetalLBOperator> {
  const openshift = d.openshift ?? (await isOpenShift(d.kube));
  // The webhook's certificate: service-ca's where it runs, else one the operator issues.
  // Certificates (the webhook's, the metrics endpoints'): service-ca's where it runs, else the operator's own.
  const certificates: 'service-ca' | 'self-signed' = (await hasServiceCA(d.kube)) ? 'service-ca' : 'self-signed';
  const webhook = d.webhook === 'olm' ? 'olm' : d.webhook === 'on' ? certificates : undefined;
  // Asked once: CRDs installed later (a Prometheus operator added to the cluster) need an operator restart.
  const metrics: MetricsFacts = { monitoring: await hasMonitoring(d.kube), ...(d.metricsTls ? { certificates } : {}) };
  d.log.info('operator starting', { event: 'start', namespace: d.namespace, openshift, webhook: webhook ?? 'off', metricsTls: metrics.certificates ?? 'off', monitoring: metrics.monitoring });
  const op = new DotILifecycle(
    d.kube,
    d.log,
    (finalizers) =>
      new MetalLBReconciler({
        kube: d.kube,
        log: d.log,
        namespace: d.namespace,
        openshift,
        render: d.render,
        metrics,
        finalizers,
        ...(webhook ? { webhook } : {}),
      }),
  );
  await op.start();
  return op;
}
