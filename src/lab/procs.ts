// Low-level pieces of the test control plane: processes by PID, ports, probes, kubeconfig files.
import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, renameSync, rmSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { repoRoot } from '../util/repo-root.js';

export interface ProcState {
  pid: number;
  bin: string;
  args: string[];
  log: string;
}

export interface PlaneState {
  dir: string;
  binDir: string;
  kubeconfigPath: string;
  server: string;
  token: string;
  procs: Record<string, ProcState>;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The Kubernetes version pinned in hack/controlplane/go.mod. */
export function pinnedVersion(): string {
  const mod = readFileSync(join(repoRoot(), 'hack/controlplane/go.mod'), 'utf8');
  const m = /k8s\.io\/kubernetes (v[0-9.]+)/.exec(mod);
  if (!m) throw new Error('hack/controlplane/go.mod does not pin k8s.io/kubernetes');
  return m[1]!;
}

export function binDir(): string {
  const dir = process.env['METALLB_CONTROLPLANE_BIN'] ?? join(repoRoot(), '.cache/controlplane', pinnedVersion(), 'bin');
  for (const b of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kubectl']) {
    if (!existsSync(join(dir, b))) throw new Error(`${join(dir, b)} is missing: run 'make controlplane' to build the control plane`);
  }
  return dir;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Whether `pid` runs. A zombie (exited, not yet reaped by its parent) still answers kill(0), yet
 * it holds no socket or namespace any more: it counts as gone, or `stopProc` would wait out its
 * whole grace period and `lab up` would call a crashed lab alive.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/PID/stat: "PID (COMM) STATE ..."; COMM may hold spaces and parentheses, so split at the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false; // vanished between the two checks
  }
}

/** Starts a process detached (so a test file may exit while the run's plane lives on), logging to a file. */
export function startProc(bin: string, args: string[], log: string, env?: Record<string, string>): ProcState {
  const fd = openSync(log, 'a');
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd], ...(env ? { env: { ...process.env, ...env } } : {}) });
  closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${bin}`);
  return { pid: child.pid, bin, args, log };
}

/**
 * PIDs of the processes whose environment holds `NAME=value` exactly. A process is started with
 * such a tag (a random value its starter recorded first) so that it can be found even when its
 * starter was killed between spawning it and writing its PID down.
 */
export function pidsTagged(name: string, value: string): number[] {
  const needle = `${name}=${value}`;
  const found: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/environ`, 'latin1').split('\0').includes(needle)) found.push(Number(d));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return found;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopProc(pid: number, graceMs = 10_000): Promise<void> {
  if (!alive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    while (alive(pid)) await sleep(20);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function tail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** GET a path on the apiserver with the admin token; resolves with the status code (0 on no answer). */
export function probe(state: Pick<PlaneState, 'server' | 'token'>, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(`${state.server}${path}`, { headers: { Authorization: `Bearer ${state.token}` }, rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export async function waitReady(state: PlaneState, what: ProcState, timeoutMs = 90_000): Promise<void> {
  await waitHealthy('kube-apiserver', () => probe(state, '/readyz'), what, timeoutMs);
}

/**
 * Waits until kube-controller-manager answers 200 on /healthz of its secure port: until then no
 * DaemonSet, garbage collector or EndpointSlice controller runs.
 */
export async function waitControllerManager(port: number, token: string, what: ProcState, timeoutMs = 90_000): Promise<void> {
  await waitHealthy('kube-controller-manager', () => probe({ server: `https://127.0.0.1:${port}`, token }, '/healthz'), what, timeoutMs);
}

/** GET `url` from inside network namespace `ns` (curl there); resolves with the status code (0 on no answer). */
export async function probeInNetns(ns: string, url: string, token: string): Promise<number> {
  const r = await run('ip', ['netns', 'exec', ns, 'curl', '-sk', '-m', '2', '-o', '/dev/null', '-w', '%{http_code}', '-H', `Authorization: Bearer ${token}`, url]);
  return Number(r.stdout.trim()) || 0;
}

export async function waitHealthy(name: string, check: () => Promise<number>, what: ProcState, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await check()) === 200) return;
    if (!alive(what.pid)) throw new Error(`${name} exited:\n${tail(what.log)}`);
    await sleep(200);
  }
  throw new Error(`${name} not healthy after ${timeoutMs} ms:\n${tail(what.log)}`);
}

export function writeKubeconfig(path: string, server: string, token: string, caFile: string): void {
  const ca = readFileSync(caFile).toString('base64');
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters:
- name: metallb-test
  cluster:
    server: ${server}
    certificate-authority-data: ${ca}
users:
- name: admin
  user:
    token: ${token}
contexts:
- name: metallb-test
  context: {cluster: metallb-test, user: admin}
current-context: metallb-test
`,
    { mode: 0o600 },
  );
}

/** Files the apiserver needs before it starts: token file and service-account keys. */
export function prepareDir(dir: string): { token: string } {
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'), `${token},admin,admin-uid,system:masters\n`, { mode: 0o600 });
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  writeFileSync(join(dir, 'sa.pub'), publicKey);
  writeFileSync(join(dir, 'sa.key'), privateKey, { mode: 0o600 });
  return { token };
}

export function run(bin: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(bin, args, { env: opts.env ?? process.env, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Writes JSON whole or not at all (temporary file, then rename): a reader never sees half a file. */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, path);
}

export function newStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'metallb-cp-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
