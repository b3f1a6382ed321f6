// What `metallb lab up` started, saved as it goes, so `down` can remove everything (by PID and by
// namespace name) even after `up` crashed half-way.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeJsonAtomic } from './procs.js';
import { join } from 'node:path';
import { repoRoot } from '../util/golden.js';

export interface LabNode {
  name: string;
  ns: string;
  ip: string;
  socketDir: string;
}

export interface LabState {
  version: 1;
  startedAt: string;
  /**
   * Every process the lab starts carries METALLB_LAB=<tag> in its environment: `down` finds one
   * that a killed `up` started but had not recorded yet (see pidsTagged).
   */
  tag?: string;
  /** The control plane's own state file (PIDs of etcd, kube-apiserver, kube-controller-manager). */
  planeStateFile?: string;
  kubeconfig?: string;
  namespaces: string[];
  /** Processes by role: controller, speaker-<node>, proxy, backend-<node>, frr daemons. */
  pids: Record<string, number>;
  /** How each of `pids` was started, so it can be started again (drills, `lab restart`). */
  agents?: Record<string, { bin: string; args: string[] }>;
  frrPids: number[];
  tmp?: string;
  nodes: LabNode[];
  router?: { ns: string; socketDir: string; ip: string };
  /** Seed 001's router (AS 64512), on the nodes' segment. */
  seed001Router?: { ns: string; socketDir: string; ip: string };
  client?: { ns: string; ip: string };
  /** The demo Service's external IP, once assigned. */
  demoIP?: string;
}

export const LAB_ENV = 'METALLB_LAB';

export function labDir(): string {
  return join(repoRoot(), '.cache/lab');
}

const file = (): string => join(labDir(), 'state.json');

export function readState(): LabState | undefined {
  return existsSync(file()) ? (JSON.parse(readFileSync(file(), 'utf8')) as LabState) : undefined;
}

/** Written whole or not at all (a temporary file renamed over it): `up` may be killed mid-write. */
export function saveState(s: LabState): void {
  mkdirSync(labDir(), { recursive: true });
  writeJsonAtomic(file(), s);
}
