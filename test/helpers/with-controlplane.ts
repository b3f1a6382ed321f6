// `node dist/test/helpers/with-controlplane.js -- <command...>`: starts one control plane for a
// whole test run (Node 20's test runner has no global setup), runs the command with
// METALLB_TEST_KUBECONFIG and METALLB_TEST_CONTROLPLANE_STATE set, then stops every process it
// started and exits with the command's code.
import { spawn } from 'node:child_process';
import { startControlPlane, killSync } from '../../src/lab/controlplane.js';

async function main(): Promise<number> {
  const sep = process.argv.indexOf('--');
  const cmd = sep >= 0 ? process.argv.slice(sep + 1) : [];
  if (cmd.length === 0) {
    process.stderr.write('usage: with-controlplane.js -- <command...>\n');
    return 2;
  }
  const say = (s: string): void => void process.stderr.write(`[controlplane] ${s}\n`);
  const cp = await startControlPlane({ log: say });
  process.once('exit', () => killSync(cp));
  try {
    await cp.installCRDs();
    say(`CRDs installed; kubeconfig ${cp.kubeconfigPath}`);
    const child = spawn(cmd[0]!, cmd.slice(1), {
      stdio: 'inherit',
      env: { ...process.env, METALLB_TEST_KUBECONFIG: cp.kubeconfigPath, METALLB_TEST_CONTROLPLANE_STATE: cp.stateFile },
    });
    const forward = (sig: NodeJS.Signals): void => void child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    return await new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  } finally {
    await cp.stop();
    say('stopped');
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`with-controlplane: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
