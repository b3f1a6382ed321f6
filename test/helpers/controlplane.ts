// The tests' real control plane: etcd, kube-apiserver, kube-controller-manager and optionally
// kube-scheduler, built from the Go module proxy by `make controlplane`, on 127.0.0.1 with random
// ports, a token-authenticated admin kubeconfig and RBAC authorization.
// Starting, probing and stopping processes by PID lives in src/lab (the lab CLI runs the same
// plane); this file adds what tests need: the run's shared plane (getTestCluster), the scheduler,
// CRD installation file by file, health checks of the controllers, and cleanup of a plane this
// process started when it exits or is interrupted (docs/adr/0004-real-control-plane-for-tests.md).
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ControlPlane as LabPlane, startControlPlane as startLabPlane } from '../../src/lab/controlplane.js';
import { alive, binDir, freePort, pinnedVersion, probe, sleep, startProc, stopProc } from '../../src/lab/procs.js';
import type { KubectlResult, PlaneState, ProcState } from '../../src/lab/procs.js';
import { repoRoot } from '../../src/util/repo-root.js';

export type { KubectlResult } from '../../src/lab/procs.js';
export { pinnedVersion } from '../../src/lab/procs.js';

export interface StartOptions {
  /** kube-controller-manager (default true): DaemonSet, Deployment, GC, EndpointSlice... controllers. */
  withControllerManager?: boolean;
  /** kube-scheduler (default false): binds Pods to Node objects (no kubelet ever runs them). */
  withScheduler?: boolean;
  /** Run this kube-apiserver version instead of the pinned one (built into .cache/controlplane/<version>/bin). */
  apiServerVersion?: string;
  log?: (s: string) => void;
}

export interface ControlPlane {
  readonly kubeconfigPath: string;
  /** https://127.0.0.1:<port> */
  readonly server: string;
  /** Bearer token of `admin` (group system:masters). */
  readonly token: string;
  readonly dataDir: string;
  readonly binDir: string;
  /** JSON state (pids, args, ports, dataDir) another process can attach to. */
  readonly stateFile: string;
  /** Whether this process started the plane and so stops it. */
  readonly owned: boolean;
  readonly pids: number[];
  kubectl(args: string[], input?: string): Promise<KubectlResult>;
  /** Applies every YAML file in `dir` and waits until each CRD is Established. */
  installCRDs(dir?: string): Promise<void>;
  /** The security.openshift.io/v1 SecurityContextConstraints API, Established. */
  installOpenShiftSCC(): Promise<void>;
  /** Stops kube-apiserver and starts it again on the same port and etcd, down for `downMs`. */
  restartApiServer(downMs?: number): Promise<void>;
  /** Stops every process (SIGTERM, then SIGKILL) and removes the data dir; no-op when not owned. */
  stop(): Promise<void>;
}

type State = PlaneState & { ports?: Record<string, number> };

const LAB_PROCS = new Set(['etcd', 'kube-apiserver', 'kube-controller-manager']);
export const CRD_DIR = 'config/crd/bases';

/**
 * The directory holding the control-plane binaries: $METALLB_CONTROLPLANE_BIN, or
 * .cache/controlplane/<version pinned in hack/controlplane/go.mod>/bin. Throws, naming
 * `make controlplane`, when a binary is missing.
 */
export function resolveBinDir(opts: { withScheduler?: boolean } = {}): string {
  const dir = binDir();
  if (opts.withScheduler && !existsSync(join(dir, 'kube-scheduler'))) {
    throw new Error(`${join(dir, 'kube-scheduler')} is missing: run 'make controlplane' to build the control plane (${pinnedVersion()})`);
  }
  return dir;
}

/** The YAML manifests of a directory, kustomization files left out, in name order. */
export function manifestFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && !/^kustomization\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

function portOf(url: string | undefined): number | undefined {
  return url ? Number(new URL(url).port) : undefined;
}

function tail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

class TestControlPlane implements ControlPlane {
  private readonly first: State;
  private stopped = false;

  constructor(private readonly lab: LabPlane) {
    this.first = this.state();
  }

  state(): State {
    return JSON.parse(readFileSync(this.lab.stateFile, 'utf8')) as State;
  }
  private save(st: State): void {
    writeFileSync(this.lab.stateFile, JSON.stringify(st));
  }

  get kubeconfigPath(): string { return this.first.kubeconfigPath; }
  get server(): string { return this.first.server; }
  get token(): string { return this.first.token; }
  get dataDir(): string { return this.first.dir; }
  get binDir(): string { return this.first.binDir; }
  get stateFile(): string { return this.lab.stateFile; }
  get owned(): boolean { return this.lab.owned; }
  get pids(): number[] { return this.lab.pids; }

  kubectl(args: string[], input?: string): Promise<KubectlResult> {
    return this.lab.kubectl(args, input);
  }

  private async must(args: string[], input?: string): Promise<string> {
    const r = await this.kubectl(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
    return r.stdout;
  }

  async installCRDs(dir = join(repoRoot(), CRD_DIR)): Promise<void> {
    const files = manifestFiles(dir);
    if (files.length === 0) throw new Error(`no YAML manifests in ${dir}`);
    // Server-side: large CRDs exceed the last-applied annotation's size limit of client-side apply.
    const out = await this.must(['apply', '--server-side', '--force-conflicts', '-o', 'name', ...files.flatMap((f) => ['-f', f])]);
    const crds = out.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('customresourcedefinition.apiextensions.k8s.io/'));
    if (crds.length > 0) await this.must(['wait', '--for', 'condition=Established', '--timeout=60s', ...crds]);
  }

  installOpenShiftSCC(): Promise<void> {
    return this.lab.installOpenShiftSCC();
  }

  restartApiServer(downMs = 0): Promise<void> {
    return this.lab.restartApiServer(downMs);
  }

  async stop(): Promise<void> {
    if (!this.owned || this.stopped) return;
    this.stopped = true;
    // What src/lab does not know of (the scheduler) goes first; then controller manager, apiserver, etcd.
    for (const [name, p] of Object.entries(this.state().procs)) if (!LAB_PROCS.has(name)) await stopProc(p.pid);
    await this.lab.stop();
    untrackPlane(this);
  }

  /** Starts kube-scheduler against the plane and waits for its /healthz. */
  async startScheduler(log: (s: string) => void): Promise<void> {
    const port = await freePort();
    const kc = this.kubeconfigPath;
    log(`starting kube-scheduler on 127.0.0.1:${port}`);
    const p = startProc(join(this.binDir, 'kube-scheduler'), [
      '--kubeconfig', kc, '--authentication-kubeconfig', kc, '--authorization-kubeconfig', kc,
      '--leader-elect=false', '--bind-address', '127.0.0.1', '--secure-port', String(port), '--v=1',
    ], join(this.dataDir, 'kube-scheduler.log'));
    const st = this.state();
    st.procs['kube-scheduler'] = p;
    this.save(st);
    await this.waitHealthy('kube-scheduler', p);
  }

  /** Waits until a component's secure port answers /healthz with 200 (authenticated by token). */
  async waitHealthy(name: string, p: ProcState, timeoutMs = 60_000): Promise<void> {
    const port = Number(flag(p.args, '--secure-port'));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await probe({ server: `https://127.0.0.1:${port}`, token: this.token }, '/healthz')) === 200) return;
      if (!alive(p.pid)) throw new Error(`${name} exited:\n${tail(p.log)}`);
      await sleep(100);
    }
    throw new Error(`${name} not healthy after ${timeoutMs} ms:\n${tail(p.log)}`);
  }

  /** Records the ports in the state file, for tests and people reading it. */
  recordPorts(): void {
    const st = this.state();
    const ports: Record<string, number | undefined> = {
      etcdClient: portOf(flag(st.procs['etcd']?.args ?? [], '--listen-client-urls')),
      etcdPeer: portOf(flag(st.procs['etcd']?.args ?? [], '--listen-peer-urls')),
      apiserver: portOf(st.server),
    };
    for (const name of ['kube-controller-manager', 'kube-scheduler']) {
      const p = st.procs[name];
      if (p) ports[name] = Number(flag(p.args, '--secure-port'));
    }
    st.ports = Object.fromEntries(Object.entries(ports).filter((e): e is [string, number] => e[1] !== undefined));
    this.save(st);
  }

  /** SIGKILL for every process and the data dir removed, synchronously (for 'exit' handlers). */
  killSync(): void {
    for (const pid of this.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    rmSync(this.dataDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

// Planes this process started and has not stopped yet. They run detached (own process group, so
// a terminal's Ctrl-C reaches only us): on exit they are SIGKILLed, and on SIGINT/SIGTERM/SIGHUP
// too unless something else in this process handles that signal (with-controlplane.ts stops its
// plane itself once its command has exited).
const live = new Set<TestControlPlane>();
let hooked = false;

function trackPlane(cp: TestControlPlane): void {
  live.add(cp);
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const p of live) p.killSync();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      if (process.listenerCount(sig) > 0) return;
      for (const p of live) p.killSync();
      live.clear();
      process.kill(process.pid, sig); // no listener left: the default action ends us as the signal would have
    });
  }
}

function untrackPlane(cp: TestControlPlane): void {
  live.delete(cp);
}

/** The oldest Kubernetes we support, as pinned in hack/apiserver-1.27/go.mod (only its kube-apiserver is built). */
export function oldestApiServerVersion(): string {
  const m = /k8s\.io\/kubernetes (v[0-9.]+)/.exec(readFileSync(join(repoRoot(), 'hack/apiserver-1.27/go.mod'), 'utf8'));
  if (!m) throw new Error('hack/apiserver-1.27/go.mod does not pin k8s.io/kubernetes');
  return m[1]!;
}

function oldApiServer(version: string): string {
  const bin = join(repoRoot(), '.cache/controlplane', version, 'bin', 'kube-apiserver');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run 'make apiserver-1.27'`);
  return bin;
}

/** Starts a private control plane; it is killed when this process exits or is interrupted. */
export async function startControlPlane(opts: StartOptions = {}): Promise<ControlPlane> {
  const log = opts.log ?? ((): void => undefined);
  const t0 = Date.now();
  const bins = resolveBinDir(opts);
  log(`binaries from ${bins}`);
  const withCM = opts.withControllerManager ?? true;
  const apiServerBin = opts.apiServerVersion ? oldApiServer(opts.apiServerVersion) : undefined;
  const cp = new TestControlPlane(await startLabPlane({ withControllerManager: withCM, log, ...(apiServerBin ? { apiServerBin } : {}) }));
  trackPlane(cp);
  try {
    const kcm = cp.state()['procs']['kube-controller-manager'];
    if (kcm) await cp.waitHealthy('kube-controller-manager', kcm);
    if (opts.withScheduler) await cp.startScheduler(log);
    cp.recordPorts();
  } catch (err) {
    await cp.stop();
    throw err;
  }
  log(`control plane up in ${Date.now() - t0} ms at ${cp.server} (data ${cp.dataDir})`);
  return cp;
}

/** A handle on a plane another process started (METALLB_TEST_CONTROLPLANE_STATE); never stopped from here. */
export function attachControlPlane(stateFile: string): ControlPlane {
  return new TestControlPlane(new LabPlane(JSON.parse(readFileSync(stateFile, 'utf8')) as PlaneState, stateFile, false));
}

let cluster: Promise<ControlPlane> | undefined;

/**
 * The test run's shared plane (with-controlplane.ts exports METALLB_TEST_CONTROLPLANE_STATE), or,
 * when a test file runs alone, a private one with the controller manager and the CRDs of
 * config/crd/bases; call releaseTestCluster() in `after` to stop a private one gracefully (it is
 * killed at exit anyway).
 */
export function getTestCluster(): Promise<ControlPlane> {
  cluster ??= (async (): Promise<ControlPlane> => {
    const stateFile = process.env['METALLB_TEST_CONTROLPLANE_STATE'];
    if (stateFile) return attachControlPlane(stateFile);
    const cp = await startControlPlane({ withControllerManager: true });
    if (manifestFiles(join(repoRoot(), CRD_DIR)).length > 0) await cp.installCRDs();
    return cp;
  })();
  return cluster;
}

/** Stops the plane getTestCluster() started privately; the shared plane is left running. */
export async function releaseTestCluster(): Promise<void> {
  const pending = cluster;
  cluster = undefined;
  const cp = await pending?.catch(() => undefined);
  await cp?.stop();
}
