// `metallb lab down` and the liveness check `up` uses to stay idempotent.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readState, labDir, LAB_ENV } from './state.js';
import type { LabState } from './state.js';
import { alive, pidsTagged, stopProc, removeDir } from './procs.js';
import type { PlaneState } from './procs.js';
import { teardownSync } from './netns.js';
import { LAB_PREFIX } from './topology.js';

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

/**
 * The lab's namespace names are fixed (`mlb-lab-*`), so any such namespace is the lab's, even one
 * that `up` created but was killed before it could record it.
 */
export function strayNamespaces(): string[] {
  try {
    return readdirSync('/run/netns').filter((n) => n.startsWith(LAB_PREFIX));
  } catch {
    return [];
  }
}

/** Stops every process the lab started (by PID), deletes its namespaces and files. */
export async function labDown(say: (s: string) => void): Promise<void> {
  const s = readState();
  const namespaces = [...new Set([...(s?.namespaces ?? []), ...strayNamespaces()])];
  if (!s && namespaces.length === 0) {
    say('no lab is up');
    return;
  }
  if (s) {
    // Recorded agents, and any tagged process `up` started but was killed before recording.
    const pids = [...new Set([...Object.values(s.pids), ...(s.tag ? pidsTagged(LAB_ENV, s.tag) : [])])].filter((p) => p !== process.pid);
    say(`stopping ${pids.length} lab processes`);
    for (const pid of pids) await stopProc(pid, 5000);
  }
  say(`removing ${namespaces.length} network namespaces and their FRR instances`);
  teardownSync(namespaces, s?.frrPids ?? [], s?.tmp ?? `/tmp/${LAB_PREFIX}lab`);
  const plane = s && planeState(s);
  if (plane) {
    say('stopping the control plane');
    for (const name of ['kube-controller-manager', 'kube-apiserver', 'etcd']) {
      const p = plane.procs[name];
      if (p) await stopProc(p.pid);
    }
    removeDir(plane.dir);
  }
  // State and logs: nothing of the lab stays behind.
  rmSync(labDir(), { recursive: true, force: true });
  say('the lab is down');
}
