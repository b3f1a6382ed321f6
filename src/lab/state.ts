// What `metallb lab up` started, saved as it goes, so `down` can remove everything (by PID and by
// namespace name) even after `up` crashed half-way.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeJsonAtomic } from './procs.js';
import { join } from 'node:path';
import { repoRoot } from '../util/repo-root.js';

export interface NodeRuntimeState {
  /** Everything of this node's runtime lives here (configs, containerd's root and state, kubelet's). */
  dir: string;
  /** The cgroup (in every hierarchy) that holds the node's pods: `mlb-<lab>-<node>`. */
  cgroupRoot: string;
  podCIDR: string;
  containerdSocket: string;
}

export interface LabNode {
  name: string;
  ns: string;
  ip: string;
  socketDir: string;
}

export interface LabState {
  version: 1;
  /**
   * pods: kubelets and containerd on every node, the operator installed by OLM, everything as
   * pods (the default); processes: the programs as local processes bound to Node objects, no
   * kubelets (`lab up --processes`, the fast mode most drills use). Absent in older states: processes.
   */
  mode?: 'pods' | 'processes';
  /** The pods lab's nodes' runtime (containerd, kubelet, kube-proxy), by node name. */
  runtimes?: Record<string, NodeRuntimeState>;
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
  /** When each step of `up` finished (ms since the epoch): start, controlPlane, ..., ready. */
  timings?: Record<string, number>;
  /** The demo Service's external IP, once assigned. */
  demoIP?: string;
}

export const LAB_ENV = 'METALLB_LAB';
/** Names a second lab beside the first (the tests run theirs beside a user's `make lab`). */
export const LAB_NAME_ENV = 'METALLB_LAB_NAME';

/** This lab's name: `lab` unless METALLB_LAB_NAME says otherwise (letters, digits, dashes). */
export function labName(): string {
  const name = process.env[LAB_NAME_ENV] ?? 'lab';
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(name)) throw new Error(`${LAB_NAME_ENV}=${name}: a lab name is 1-16 lowercase letters, digits or dashes, starting with a letter`);
  return name;
}

/** Every namespace (and cgroup, and FRR directory) of this lab is named `mlb-<name>-<role>`. */
export const labPrefix = (): string => `mlb-${labName()}-`;

export function labDir(): string {
  const name = labName();
  return join(repoRoot(), name === 'lab' ? '.cache/lab' : `.cache/lab-${name}`);
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
