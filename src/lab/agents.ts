// The lab's own processes (operator, controller, speakers, node agents): started detached with a
// log file each, recorded in the lab state with their command line so a drill (or a crash) can
// bring one back exactly as `up` started it.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { repoRoot } from '../util/repo-root.js';
import { startProc, stopProc } from './procs.js';
import { LAB_ENV, labDir, saveState } from './state.js';
import type { LabState } from './state.js';

const cli = (): string => join(repoRoot(), 'dist/src/cli.js');

export const tagEnv = (state: LabState): Record<string, string> | undefined => (state.tag ? { [LAB_ENV]: state.tag } : undefined);

/** Starts `metallb ARGS...` as `role` (inside `netns` when given) and records it. */
export function spawnAgent(state: LabState, role: string, args: string[], netns?: string): number {
  return netns ? spawnRecorded(state, role, 'ip', ['netns', 'exec', netns, process.execPath, cli(), ...args]) : spawnRecorded(state, role, process.execPath, [cli(), ...args]);
}

/** Starts any program as `role`, logging to .cache/<lab>/logs/<role>.log, and records it. */
export function spawnRecorded(state: LabState, role: string, bin: string, argv: string[]): number {
  mkdirSync(join(labDir(), 'logs'), { recursive: true });
  const p = startProc(bin, argv, agentLog(role), tagEnv(state));
  state.pids[role] = p.pid;
  (state.agents ??= {})[role] = { bin, args: argv };
  saveState(state);
  return p.pid;
}

export function agentLog(role: string): string {
  return join(labDir(), 'logs', `${role}.log`);
}

/** Stops an agent by its recorded PID (SIGTERM, or SIGKILL when `kill`); the lab keeps its record. */
export async function stopAgent(state: LabState, role: string, kill = false): Promise<void> {
  const pid = state.pids[role];
  if (pid === undefined) throw new Error(`the lab has no process "${role}"`);
  if (kill) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  await stopProc(pid, 5000);
}

/** Starts a stopped agent again with the command line `up` gave it; returns the new PID. */
export function startAgent(state: LabState, role: string): number {
  const a = state.agents?.[role];
  if (!a) throw new Error(`the lab has no recorded command for "${role}"`);
  const p = startProc(a.bin, a.args, agentLog(role), tagEnv(state));
  state.pids[role] = p.pid;
  saveState(state);
  return p.pid;
}
