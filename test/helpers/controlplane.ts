// The test run's control plane: the one with-controlplane.ts started for the whole `node --test`
// run, or a private one when a test file runs alone.
import { readFileSync } from 'node:fs';
import { ControlPlane, startControlPlane, killSync } from '../../src/lab/controlplane.js';
import type { PlaneState } from '../../src/lab/procs.js';

export { ControlPlane, startControlPlane, killSync } from '../../src/lab/controlplane.js';

let shared: Promise<ControlPlane> | undefined;

/**
 * The run's shared control plane (started by with-controlplane.ts), or a private one when a test
 * file runs alone; a private one is stopped when the process exits.
 */
export function getTestCluster(): Promise<ControlPlane> {
  shared ??= (async (): Promise<ControlPlane> => {
    const stateFile = process.env['METALLB_TEST_CONTROLPLANE_STATE'];
    if (stateFile) return new ControlPlane(JSON.parse(readFileSync(stateFile, 'utf8')) as PlaneState, stateFile, false);
    const cp = await startControlPlane();
    await cp.installCRDs();
    process.once('exit', () => killSync(cp));
    return cp;
  })();
  return shared;
}
