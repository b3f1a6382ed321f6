// `metallb lab down` and the liveness check `up` uses to stay idempotent.
import { existsSync, readFileSync } from 'node:fs';
import { readState, clearState } from './state.js';
import type { LabState } from './state.js';
import { alive, stopProc, removeDir } from './procs.js';
import type { PlaneState } from './procs.js';
import { teardownSync } from './netns.js';

function planeState(s: LabState): PlaneState | undefined {
  if (!s.planeStateFile || !existsSync(s.planeStateFile)) return undefined;
  return JSON.parse(readFileSync(s.planeStateFile, 'utf8')) as PlaneState;
}

/** Every recorded process alive and every namespace present. */
export async function labAlive(s: LabState): Promise<boolean> {
  const plane = planeState(s);
  if (!plane || !s.router) return false;
  const pids = [...Object.values(plane.procs).map((p) => p.pid), ...Object.values(s.pids), ...s.frrPids];
  return pids.length > 0 && pids.every(alive) && s.namespaces.every((ns) => existsSync(`/run/netns/${ns}`));
}

/** Stops every process the lab started (by PID), deletes its namespaces and files. */
export async function labDown(say: (s: string) => void): Promise<void> {
  const s = readState();
  if (!s) {
    say('no lab is up');
    return;
  }
  say(`stopping ${Object.keys(s.pids).length} lab processes`);
  for (const pid of Object.values(s.pids)) await stopProc(pid, 5000);
  say(`removing ${s.namespaces.length} network namespaces and their FRR instances`);
  teardownSync(s.namespaces, s.frrPids, s.tmp);
  const plane = planeState(s);
  if (plane) {
    say('stopping the control plane');
    for (const name of ['kube-controller-manager', 'kube-apiserver', 'etcd']) {
      const p = plane.procs[name];
      if (p) await stopProc(p.pid);
    }
    removeDir(plane.dir);
  }
  clearState();
  say('the lab is down');
}
