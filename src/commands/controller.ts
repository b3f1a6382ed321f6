// `metallb controller`: allocate LoadBalancer IPs (leader-elected).
import { parseArgs } from 'node:util';
import { hostname } from 'node:os';
import type { Command } from './command.js';
import { hostPort, installProcessHandlers, metricsAddressOf, programKube } from './program.js';
import { makeLogger } from '../util/log.js';
import type { LogLevel } from '../util/log.js';
import { runController } from '../controller/run.js';
import { DEFAULT_WEBHOOK_CERT_DIR, DEFAULT_WEBHOOK_PORT, keepServing } from '../webhook/server.js';


export const command: Command = {
  name: 'controller',
  summary: 'run the controller: allocate LoadBalancer IPs',
  usage: `usage: metallb controller [--namespace NS] [--kubeconfig FILE] [--lb-class CLASS] [--log-level LEVEL]
                          [--metrics-address HOST:PORT|off] [--metrics-cert-dir DIR] [--identity ID]
                          [--webhook-address HOST:PORT|off] [--webhook-cert-dir DIR] [--webhook-only]

Allocates IPs from IPAddressPools, AddressPools and the legacy "config" ConfigMap to Services of
type LoadBalancer, writes status.loadBalancer.ingress and the metallb.io/ip-allocated-from-pool
annotation, records IPAllocated / AllocationFailed Events and pool usage in IPAddressPool status.
Replicas elect a leader through the Lease "metallb-controller"; only the leader allocates.
With --webhook-address (off by default), every replica also serves the validating admission
webhook over HTTPS with tls.crt/tls.key from --webhook-cert-dir (default
${DEFAULT_WEBHOOK_CERT_DIR}), re-read when they change.
/metrics, /healthz and /readyz listen on --metrics-address (default 0.0.0.0:7472). With
--metrics-cert-dir (tls.crt, tls.key, re-read when they change) they are HTTPS and /metrics needs a
bearer token allowed "get" on the non-resource URL /metrics (TokenReview + SubjectAccessReview).
With --webhook-only the program serves the webhook (and BGPPeer conversion, /convert) and nothing
else: no leader election, no allocation, no metrics; --webhook-address defaults to
0.0.0.0:${DEFAULT_WEBHOOK_PORT} and GET /healthz on it is the probe. This is the Deployment OLM installs
and gives its certificate to (CSV webhookdefinitions, docs/adr/0018).`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { namespace: { type: 'string' }, kubeconfig: { type: 'string' }, 'lb-class': { type: 'string' }, 'log-level': { type: 'string', default: 'info' }, 'metrics-address': { type: 'string', default: '0.0.0.0:7472' }, 'metrics-cert-dir': { type: 'string' }, identity: { type: 'string' }, 'webhook-address': { type: 'string', default: 'off' }, 'webhook-cert-dir': { type: 'string', default: DEFAULT_WEBHOOK_CERT_DIR }, 'webhook-only': { type: 'boolean', default: false } },
    });
    const log = makeLogger('controller', values['log-level'] as LogLevel);
    installProcessHandlers(log);
    const ma = values['metrics-address'];
    const namespace = values.namespace ?? process.env['NAMESPACE'] ?? 'metallb-system';
    if (values['webhook-only']) {
      const wa = values['webhook-address'] === 'off' ? `0.0.0.0:${DEFAULT_WEBHOOK_PORT}` : values['webhook-address'];
      const kube = programKube(values.kubeconfig, 'metallb-webhook', log);
      const served = await keepServing({ kube, log, namespace, ...hostPort(wa), certDir: values['webhook-cert-dir'] });
      log.info('webhook server started', { event: 'start', namespace, mode: 'webhook-only' });
      await new Promise<void>((resolve) => {
        const stop = (): void => void served.stop().then(resolve);
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      return 0;
    }
    const wa = values['webhook-address'];
    const handle = await runController({
      kube: programKube(values.kubeconfig, 'metallb-controller', log),
      log,
      namespace,
      identity: values.identity ?? process.env['POD_NAME'] ?? `${hostname()}-${process.pid}`,
      ...(values['lb-class'] ? { loadBalancerClass: values['lb-class'] } : {}),
      ...metricsAddressOf(ma, values['metrics-cert-dir']),
      ...(wa && wa !== 'off' ? { webhook: { ...hostPort(wa), certDir: values['webhook-cert-dir'] } } : {}),
    });
    await new Promise<void>((resolve) => {
      const stop = (): void => void handle.stop().then(resolve);
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    return 0;
  },
};
