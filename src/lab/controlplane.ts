// A real Kubernetes control plane for tests and the lab: etcd, kube-apiserver and
// kube-controller-manager built from the Go module proxy (`make controlplane`), started on
// loopback with random ports, a token-authenticated admin kubeconfig and RBAC authorization.
// Every process is tracked and stopped by PID (docs/adr/0004-real-control-plane-for-tests.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../util/repo-root.js';
import { alive, binDir, freePort, newStateDir, prepareDir, removeDir, run, startProc, stopProc, waitReady, waitControllerManager, writeKubeconfig, writeJsonAtomic, sleep } from './procs.js';
import type { KubectlResult, PlaneState, ProcState } from './procs.js';

export type { KubectlResult } from './procs.js';

export interface StartOptions {
  withControllerManager?: boolean;
  log?: (s: string) => void;
  /**
   * Told the state file's path before any process starts, so a caller that may be killed half-way
   * (`metallb lab up`) has recorded where to find the PIDs to stop.
   */
  onStateFile?: (file: string) => void;
  /** Extra environment for every process (the lab tags its own, see pidsTagged). */
  env?: Record<string, string>;
  /** Another kube-apiserver binary (the API tests on the oldest supported Kubernetes); etcd and kubectl stay the pinned ones. */
  apiServerBin?: string;
}

export class ControlPlane {
  constructor(
    private state: PlaneState,
    /** Where the state is persisted, so another process (a test file) can restart the apiserver. */
    readonly stateFile: string,
    /** Whether this process started the plane (and so must stop it). */
    readonly owned: boolean,
  ) {}

  get kubeconfigPath(): string {
    return this.state.kubeconfigPath;
  }
  get server(): string {
    return this.state.server;
  }
  get dataDir(): string {
    return this.state.dir;
  }
  get pids(): number[] {
    try {
      return Object.values(this.reload().procs).map((p) => p.pid);
    } catch {
      return []; // already stopped and removed
    }
  }

  private reload(): PlaneState {
    this.state = JSON.parse(readFileSync(this.stateFile, 'utf8')) as PlaneState;
    return this.state;
  }

  kubectl(args: string[], input?: string): Promise<KubectlResult> {
    return run(join(this.state.binDir, 'kubectl'), ['--kubeconfig', this.state.kubeconfigPath, ...args], input !== undefined ? { input } : {});
  }

  private async must(args: string[], input?: string): Promise<string> {
    const r = await this.kubectl(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  /** Applies a kustomization of CRDs and waits until they are Established. */
  async installCRDs(dir = join(repoRoot(), 'config/crd/bases')): Promise<void> {
    await this.must(['apply', '--server-side', '--force-conflicts', '-k', dir]);
    await this.must(['wait', '--for', 'condition=established', '--timeout=60s', 'crd', '-l', 'app.kubernetes.io/part-of=metallb-operator']);
  }

  /** Makes this control plane an OpenShift for detection and RBAC purposes: the SCC API. */
  async installOpenShiftSCC(): Promise<void> {
    await this.must(['apply', '-f', join(repoRoot(), 'test/helpers/openshift-scc-crd.yaml')]);
    await this.must(['wait', '--for', 'condition=established', '--timeout=60s', 'crd/securitycontextconstraints.security.openshift.io']);
  }

  /** Stops kube-apiserver and starts it again on the same port and etcd. */
  async restartApiServer(downMs = 0): Promise<void> {
    const st = this.reload();
    const api = st.procs['kube-apiserver']!;
    await stopProc(api.pid);
    if (downMs > 0) await sleep(downMs);
    const next = startProc(api.bin, api.args, api.log);
    st.procs['kube-apiserver'] = next;
    writeJsonAtomic(this.stateFile, st);
    await waitReady(st, next);
  }

  async stop(): Promise<void> {
    await stopPlane(this.reload());
  }
}

export async function startControlPlane(opts: StartOptions = {}): Promise<ControlPlane> {
  const log = opts.log ?? ((): void => undefined);
  const bins = binDir();
  const dir = newStateDir();
  const { token } = prepareDir(dir);
  const [etcdClient, etcdPeer, apiPort, kcmPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const server = `https://127.0.0.1:${apiPort}`;
  const state: PlaneState = { dir, binDir: bins, kubeconfigPath: join(dir, 'kubeconfig'), server, token, procs: {} };
  const stateFile = join(dir, 'state.json');
  const save = (): void => writeJsonAtomic(stateFile, state);
  save();
  opts.onStateFile?.(stateFile);
  const started = Date.now();
  try {
    log(`starting etcd on 127.0.0.1:${etcdClient}`);
    state.procs['etcd'] = startProc(join(bins, 'etcd'), [
      '--name', 'default', '--data-dir', join(dir, 'etcd'), '--listen-client-urls', `http://127.0.0.1:${etcdClient}`,
      '--advertise-client-urls', `http://127.0.0.1:${etcdClient}`, '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`,
      '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`, '--initial-cluster', `default=http://127.0.0.1:${etcdPeer}`,
      '--unsafe-no-fsync', '--log-level', 'warn',
    ], join(dir, 'etcd.log'), opts.env);
    save();
    log(`starting kube-apiserver on ${server}`);
    state.procs['kube-apiserver'] = startProc(opts.apiServerBin ?? join(bins, 'kube-apiserver'), [
      '--etcd-servers', `http://127.0.0.1:${etcdClient}`, '--bind-address', '127.0.0.1', '--advertise-address', '127.0.0.1',
      '--secure-port', String(apiPort), '--cert-dir', join(dir, 'certs'), '--token-auth-file', join(dir, 'tokens.csv'),
      '--authorization-mode', 'RBAC', '--service-account-issuer', 'https://kubernetes.default.svc',
      '--service-account-key-file', join(dir, 'sa.pub'), '--service-account-signing-key-file', join(dir, 'sa.key'),
      // dual-stack, so IPv6 (and dual-stack) LoadBalancer Services can be created (layer 2 NDP tests)
      '--service-cluster-ip-range', '10.96.0.0/16,fd00:10:96::/112', '--allow-privileged=true',
      // Without kubelets no Node ever reports Ready: the not-ready taint this plugin adds at
      // creation would keep every DaemonSet pod off every Node.
      '--disable-admission-plugins', 'TaintNodesByCondition',
      // As OpenShift does: setting blockOwnerDeletion needs `update` on the owner's finalizers
      // (the operator's metallbs/finalizers rule; test/integration/bundle-install.test.ts).
      '--enable-admission-plugins', 'OwnerReferencesPermissionEnforcement', '--profiling=false', '--v=1',
    ], join(dir, 'kube-apiserver.log'), opts.env);
    save();
    await waitReady(state, state.procs['kube-apiserver']);
    writeKubeconfig(state.kubeconfigPath, server, token, join(dir, 'certs', 'apiserver.crt'));
    if (opts.withControllerManager ?? true) {
      log('starting kube-controller-manager');
      // No kubelets run here: the node lifecycle controller would mark every Node unreachable and
      // taint it, so it is off; the DaemonSet, garbage collector and EndpointSlice controllers run.
      state.procs['kube-controller-manager'] = startProc(join(bins, 'kube-controller-manager'), [
        '--kubeconfig', state.kubeconfigPath, '--authentication-kubeconfig', state.kubeconfigPath, '--authorization-kubeconfig', state.kubeconfigPath,
        '--leader-elect=false', '--bind-address', '127.0.0.1', '--secure-port', String(kcmPort), '--controllers', '*,-node-lifecycle-controller',
        '--service-account-private-key-file', join(dir, 'sa.key'), '--root-ca-file', join(dir, 'certs', 'apiserver.crt'),
        '--use-service-account-credentials=false', '--concurrent-gc-syncs', '5', '--v=1',
      ], join(dir, 'kube-controller-manager.log'), opts.env);
      save();
      await waitControllerManager(kcmPort, token, state.procs['kube-controller-manager']);
    }
    log(`control plane ready in ${Date.now() - started} ms`);
    return new ControlPlane(state, stateFile, true);
  } catch (err) {
    for (const p of Object.values<ProcState>(state.procs)) if (alive(p.pid)) await stopProc(p.pid, 2000);
    removeDir(dir);
    throw err;
  }
}

/** Stops a plane's processes, last started first (etcd last), and removes its directory. */
export async function stopPlane(st: PlaneState): Promise<void> {
  for (const p of Object.values(st.procs).reverse()) await stopProc(p.pid);
  removeDir(st.dir);
}

/** Kills a plane's processes synchronously (process 'exit' handlers cannot await). */
export function killSync(cp: ControlPlane): void {
  for (const pid of cp.pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
