// What every long-running program (operator, controller, speaker) does before its wiring: one
// Kubernetes client, with what makes its connection unsafe said in the log, and process-wide
// handlers so that no error ever leaves the process without a JSON log line saying why; and the
// address flags they share.
import { Kube } from '../k8s/client.js';
import { loadKubeConfig } from '../k8s/kubeconfig.js';
import type { Logger } from '../util/log.js';
import { errorMessage, UsageError } from '../util/errors.js';
import type { MetricsAddress } from '../metrics/server.js';

export function programKube(kubeconfig: string | undefined, fieldManager: string, log: Logger): Kube {
  const config = loadKubeConfig(kubeconfig);
  for (const w of config.securityWarnings()) log.warn(w, { event: 'insecure-connection', server: config.server });
  return new Kube(config, fieldManager);
}

/**
 * A rejected promise nobody awaited is logged and the program goes on (every loop retries on its
 * own); an exception thrown out of an event handler leaves state unknown, so it is logged and the
 * process exits for the kubelet to restart it.
 */
export function installProcessHandlers(log: Logger, exit: (code: number) => void = (c) => process.exit(c)): void {
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection', { event: 'unhandled-rejection', error: errorMessage(reason) }));
  process.on('uncaughtException', (err) => {
    log.error('uncaught exception; exiting', { event: 'uncaught-exception', error: errorMessage(err), stack: err.stack });
    exit(1);
  });
}

/** HOST:PORT (the last colon splits, so "[::]:7472" and "::1:7472" work). */
export function hostPort(a: string): { host: string; port: number } {
  const i = a.lastIndexOf(':');
  const port = Number(a.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`"${a}" is not HOST:PORT`);
  return { host: a.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port };
}

/** --metrics-address ("off" disables) and --metrics-cert-dir (HTTPS with a token check) together. */
export function metricsAddressOf(address: string | undefined, certDir: string | undefined): { metricsAddress?: MetricsAddress } {
  if (!address || address === 'off') {
    if (certDir) throw new UsageError('--metrics-cert-dir needs --metrics-address');
    return {};
  }
  return { metricsAddress: { ...hostPort(address), ...(certDir ? { certDir } : {}) } };
}
