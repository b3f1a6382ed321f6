// `node dist/test/helpers/with-controlplane.js [--openshift] [--scheduler] [--crds DIR] -- <command...>`
// Node 20's test runner has no global setup, so this starts one control plane (with the
// controller manager) for a whole test run: it installs the CRDs of config/crd/bases (when there
// are any), with --openshift the SCC API too, runs the command with METALLB_TEST_KUBECONFIG and
// METALLB_TEST_CONTROLPLANE_STATE set (getTestCluster() attaches to it), then stops every process
// it started, by PID, and exits with the command's code.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../../src/util/repo-root.js';
import { CRD_DIR, manifestFiles, startControlPlane } from './controlplane.js';

const usage = 'usage: with-controlplane.js [--openshift] [--scheduler] [--crds DIR] -- <command...>';

async function main(argv: string[]): Promise<number> {
  const sep = argv.indexOf('--');
  const cmd = sep >= 0 ? argv.slice(sep + 1) : [];
  const { values } = parseArgs({
    args: sep >= 0 ? argv.slice(0, sep) : argv,
    options: { openshift: { type: 'boolean' }, scheduler: { type: 'boolean' }, crds: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help || cmd.length === 0) {
    process.stderr.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const say = (s: string): void => void process.stderr.write(`[controlplane] ${s}\n`);
  const cp = await startControlPlane({ withControllerManager: true, withScheduler: values.scheduler ?? false, log: say });
  try {
    const crdDir = values.crds ?? join(repoRoot(), CRD_DIR);
    if (manifestFiles(crdDir).length > 0) {
      const t0 = Date.now();
      await cp.installCRDs(crdDir);
      say(`CRDs of ${crdDir} installed in ${Date.now() - t0} ms`);
    }
    if (values.openshift) {
      await cp.installOpenShiftSCC();
      say('SecurityContextConstraints API installed (OpenShift mode)');
    }
    say(`kubeconfig ${cp.kubeconfigPath}; state ${cp.stateFile}; pids ${cp.pids.join(' ')}`);
    const child = spawn(cmd[0]!, cmd.slice(1), {
      stdio: 'inherit',
      env: { ...process.env, METALLB_TEST_KUBECONFIG: cp.kubeconfigPath, METALLB_TEST_CONTROLPLANE_STATE: cp.stateFile },
    });
    // The command shuts down first, then the plane (in `finally`); a second signal hurries it.
    let signalled = 0;
    const forward = (sig: NodeJS.Signals): void => {
      signalled++;
      child.kill(signalled > 1 ? 'SIGKILL' : sig);
    };
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, forward);
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
  } finally {
    const t0 = Date.now();
    await cp.stop();
    say(`stopped in ${Date.now() - t0} ms`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`with-controlplane: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
