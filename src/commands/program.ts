// What every long-running program (operator, controller, speaker) does before its wiring: one
// Kubernetes client, with what makes its connection unsafe said in the log, and process-wide
// handlers so that no error ever leaves the process without a JSON log line saying why.
import { Kube } from '../k8s/client.js';
import { loadKubeConfig } from '../k8s/kubeconfig.js';
import type { Logger } from '../util/log.js';
import { errorMessage } from '../util/errors.js';

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
