// `metallb lab down` and the liveness check `up` uses to stay idempotent.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readState, labDir, LAB_ENV } from './state.js';
import type { LabState } from './state.js';
import { labPrefix } from './state.js';
import { alive, pidsTagged, stopProc } from './procs.js';
import type { PlaneState } from './procs.js';
import { teardownSync } from './netns.js';
import { stopPlane } from './controlplane.js';
import { cgroupMounts, cgroupPids, removeCgroup } from './node-runtime.js';

function planeState(s: LabState): PlaneState | undefined {
  if (!s.planeStateFile || !existsSync(s.planeStateFile)) return undefined;
  return JSON.parse(readFileSync(s.planeStateFile, 'utf8')) as PlaneState;
}

/** `up` finished, every recorded process alive and every namespace present. */
export async function labAlive(s: LabState): Promise<boolean> {
  const plane = planeState(s);
  if (!plane || !s.router || s.timings?.['ready'] === undefined) return false;
  const pids = [...Object.values(plane.procs).map((p) => p.pid), ...Object.values(s.pids), ...s.frrPids];
  return pids.length > 0 && pids.every(alive) && s.namespaces.every((ns) => existsSync(`/run/netns/${ns}`));
}

/**
 * The lab's namespace names are fixed (`mlb-lab-*`), so any such namespace is the lab's, even one
 * that `up` created but was killed before it could record it.
 */
export function strayNamespaces(): string[] {
  try {
    return readdirSync('/run/netns').filter((n) => n.startsWith(labPrefix()));
  } catch {
    return [];
  }
}

/** The pods lab's node cgroups (`mlb-<lab>-<node>`), recorded or left by a crashed `up`. */
function nodeCgroups(s: LabState | undefined): string[] {
  const names = new Set(Object.values(s?.runtimes ?? {}).map((r) => r.cgroupRoot));
  for (const m of cgroupMounts()) {
    try {
      for (const d of readdirSync(m)) if (d.startsWith(labPrefix())) names.add(d);
    } catch {
      /* not readable */
    }
  }
  return [...names];
}

const kill = (pid: number): void => {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
};

/** Stops every process the lab started (by PID), deletes its namespaces and files. */
export async function labDown(say: (s: string) => void): Promise<void> {
  const s = readState();
  const namespaces = [...new Set([...(s?.namespaces ?? []), ...strayNamespaces()])];
  const cgroups = nodeCgroups(s);
  if (!s && namespaces.length === 0 && cgroups.length === 0) {
    say('no lab is up');
    return;
  }
  if (s) {
    // Pods lab: kubelets first (they would restart what is stopped next), then every container
    // process (the node cgroups hold them all, whatever network namespace a pod has).
    for (const [role, pid] of Object.entries(s.pids)) if (role.startsWith('kubelet-')) await stopProc(pid, 5000);
  }
  if (cgroups.length > 0) {
    say(`stopping the pods of ${cgroups.length} node(s)`);
    for (let i = 0; i < 50; i++) {
      const pids = cgroups.flatMap(cgroupPids);
      if (pids.length === 0) break;
      pids.forEach(kill);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (s) {
    // Recorded agents, and any tagged process `up` started but was killed before recording.
    const pids = [...new Set([...Object.values(s.pids), ...(s.tag ? pidsTagged(LAB_ENV, s.tag) : [])])].filter((p) => p !== process.pid);
    say(`stopping ${pids.length} lab processes`);
    for (const pid of pids) await stopProc(pid, 5000);
  }
  say(`removing ${namespaces.length} network namespaces and their FRR instances`);
  teardownSync(namespaces, s?.frrPids ?? [], s?.tmp ?? `/tmp/${labPrefix()}lab`);
  const plane = s && planeState(s);
  if (plane) {
    say('stopping the control plane');
    await stopPlane(plane);
  }
  // Node runtimes: their mounts went with their mount namespaces; their cgroups remain (their
  // directories are under the lab's, removed next).
  cgroups.forEach(removeCgroup);
  // State and logs: nothing of the lab stays behind.
  rmSync(labDir(), { recursive: true, force: true });
  say('the lab is down');
}
