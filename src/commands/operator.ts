// `metallb operator`: reconcile the singleton MetalLB CR into the controller and speakers.
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { installProcessHandlers, programKube } from './program.js';
import { makeLogger } from '../util/log.js';
import type { LogLevel } from '../util/log.js';
import { runOperator } from '../operator/run.js';
import { operatorRender } from '../operator/render-setup.js';
import { UsageError } from '../util/errors.js';

export const command: Command = {
  name: 'operator',
  summary: 'run the operator: reconcile the MetalLB CR into workloads',
  usage: `usage: metallb operator [--namespace NS] [--kubeconfig FILE] [--templates DIR] [--log-level LEVEL]
                        [--webhook on|off|olm] [--metrics-tls on|off]

Watches MetalLB resources; the one named "metallb" in the operator namespace is rendered into the
controller Deployment, the speaker DaemonSet, RBAC, the FRR startup ConfigMap and, on OpenShift
(detected through API discovery), the speaker's SCC, all server-side applied. Others get a
Degraded condition saying what to change.
  --namespace   the operator namespace (default $OPERATOR_NAMESPACE, $NAMESPACE or metallb-system)
  --templates   the templates directory (default: the one shipped with the program)
  --webhook     deploy the validating admission webhook, served by the controller (default on): its
                Service, ValidatingWebhookConfiguration and certificate (from OpenShift's service-ca where
                it runs; elsewhere a self-signed CA the operator keeps in the Secret webhook-server-cert,
                or the user's own Secret of that name with ca.crt). off: none of them (a cluster
                whose apiserver cannot reach pods, e.g. \`metallb lab\`). olm: OLM runs the webhook (the CSV's
                webhook Deployment, its certificate and configurations; the bundle's operator runs so):
                the operator deploys none and points BGPPeer's conversion at OLM's webhook Service.
  --metrics-tls the controller and speakers serve /metrics over HTTPS and check the scraper's token
                (TokenReview + SubjectAccessReview for "get /metrics") (default on); the certificates
                come from service-ca where it runs, else from the operator (Secrets controller-certs-secret
                and speaker-certs-secret, each with its CA in ca.crt). off: plain HTTP, no token.
                Where the monitoring.coreos.com CRDs exist, ServiceMonitors and the alerts are created.`,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { namespace: { type: 'string' }, kubeconfig: { type: 'string' }, templates: { type: 'string' }, 'log-level': { type: 'string', default: 'info' }, webhook: { type: 'string', default: 'on' }, 'metrics-tls': { type: 'string', default: 'on' } } });
    if (values.webhook !== 'on' && values.webhook !== 'off' && values.webhook !== 'olm') throw new UsageError(`--webhook must be on, off or olm, not "${values.webhook}"`);
    if (values['metrics-tls'] !== 'on' && values['metrics-tls'] !== 'off') throw new UsageError(`--metrics-tls must be on or off, not "${values['metrics-tls']}"`);
    const namespace = values.namespace ?? process.env['OPERATOR_NAMESPACE'] ?? process.env['NAMESPACE'] ?? 'metallb-system';
    const log = makeLogger('operator', values['log-level'] as LogLevel);
    installProcessHandlers(log);
    const kube = programKube(values.kubeconfig, 'metallb-operator', log);
    const op = await runOperator({ kube, log, namespace, render: operatorRender(namespace, values.templates), ...(values.webhook !== 'off' ? { webhook: values.webhook } : {}), metricsTls: values['metrics-tls'] === 'on' });
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        op.stop();
        resolve();
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    return 0;
  },
};
