// A real-FRR harness: network namespaces named `mlbt-<pid>-<name>`, veth pairs and bridges inside
// them, and one FRR (zebra + bgpd + bfdd, pathspace = namespace name) per namespace, each reachable
// through a Vtysh. Lab addresses exist only inside these namespaces, never on host interfaces.
// Teardown kills the daemons by PID (from their pid files, then whatever `ip netns pids` still lists
// in a namespace we created), deletes those namespaces and their FRR directories; it also runs on
// process exit and on SIGINT/SIGTERM, so a failing or interrupted test leaves nothing behind.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, chownSync } from 'node:fs';
import { promisify } from 'node:util';
import { makeVtysh, type Vtysh } from '../speaker/frr/vtysh.js';
import { alive } from './procs.js';
import { scalarText } from '../util/scalar-text.js';

const execFileAsync = promisify(execFile);
const FRR_BIN = '/usr/lib/frr';
const DAEMONS = ['zebra', 'bgpd', 'bfdd'] as const;

/** Why the FRR tier cannot run here, or undefined when it can (root, FRR and iproute2 present). */
export function frrUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  for (const f of [`${FRR_BIN}/zebra`, `${FRR_BIN}/bgpd`, `${FRR_BIN}/bfdd`, '/usr/bin/vtysh']) {
    if (!existsSync(f)) return `${f} is missing (apt-get install frr)`;
  }
  return undefined;
}

export async function sh(file: string, args: string[], input?: string): Promise<string> {
  const child = execFileAsync(file, args, { maxBuffer: 64 * 1024 * 1024 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  const { stdout } = await child;
  return stdout;
}

export interface FrrInstance {
  ns: string;
  vtysh: Vtysh;
  socketDir: string;
  confDir: string;
  pids: number[];
}

function frrIds(): { uid: number; gid: number } {
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('frr:'));
  const parts = passwd?.split(':') ?? [];
  return { uid: Number(parts[2] ?? 0), gid: Number(parts[3] ?? 0) };
}

const liveLabs = new Set<Lab>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const lab of liveLabs) lab.destroySync();
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const lab of liveLabs) lab.destroySync();
      process.exit(128 + (sig === 'SIGINT' ? 2 : 15));
    });
  }
}

export interface LabOptions {
  /** Namespace name prefix; tests use `mlbt-<pid>-` so parallel runs never collide. */
  prefix?: string;
  /** Outlive this process (`metallb lab up`): no exit hooks; `down` tears it down from saved state. */
  persistent?: boolean;
}

export class Lab {
  readonly prefix: string;
  readonly namespaces: string[] = [];
  readonly instances: FrrInstance[] = [];
  readonly tmp: string;

  constructor(
    readonly tag: string,
    opts: LabOptions = {},
  ) {
    this.prefix = opts.prefix ?? `mlbt-${process.pid}-`;
    this.tmp = `/tmp/${this.prefix}${tag}`;
    if (!opts.persistent) {
      installExitHooks();
      liveLabs.add(this);
    }
  }

  /** Creates namespace `mlbt-<pid>-<name>` with lo up. */
  async namespace(name: string): Promise<string> {
    const ns = `${this.prefix}${name}`;
    if (ns.length > 40) throw new Error(`namespace name ${ns} is too long`);
    await sh('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    await this.exec(ns, ['ip', 'link', 'set', 'lo', 'up']);
    // Lab IPv6 addresses must be usable at once, without duplicate address detection delays.
    await this.exec(ns, ['sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
    return ns;
  }

  exec(ns: string, cmd: string[], input?: string): Promise<string> {
    return sh('ip', ['netns', 'exec', ns, ...cmd], input);
  }

  /** A veth pair created directly inside the two namespaces (no name ever exists on the host). */
  async veth(nsA: string, ifA: string, nsB: string, ifB: string): Promise<void> {
    await sh('ip', ['link', 'add', ifA, 'netns', nsA, 'type', 'veth', 'peer', 'name', ifB, 'netns', nsB]);
    await this.exec(nsA, ['ip', 'link', 'set', ifA, 'up']);
    await this.exec(nsB, ['ip', 'link', 'set', ifB, 'up']);
  }

  async bridge(ns: string, name: string, members: string[]): Promise<void> {
    await this.exec(ns, ['ip', 'link', 'add', name, 'type', 'bridge']);
    for (const m of members) await this.exec(ns, ['ip', 'link', 'set', m, 'master', name]);
    await this.exec(ns, ['ip', 'link', 'set', name, 'up']);
  }

  async addr(ns: string, dev: string, cidr: string): Promise<void> {
    const args = ['ip', 'addr', 'add', cidr, 'dev', dev];
    if (cidr.includes(':')) args.push('nodad');
    await this.exec(ns, args);
  }

  /**
   * Starts zebra, bgpd and bfdd in `ns` with pathspace `ns`, from `config` (may be empty).
   * `zebraArgs`: extra zebra flags (`-n`: every network namespace is a VRF, for kernels without
   * VRF devices). A second start in the same namespace (after the daemons were killed) is fine:
   * the pid files and vty sockets a killed daemon leaves are removed first, so the waits below
   * see the new daemons'.
   */
  async startFrr(ns: string, config = '', opts: { zebraArgs?: readonly string[] } = {}): Promise<FrrInstance> {
    const confDir = `/etc/frr/${ns}`;
    const socketDir = `/var/run/frr/${ns}`;
    const runDir = `${this.tmp}/${ns}`;
    const { uid, gid } = frrIds();
    for (const d of [confDir, socketDir, runDir]) {
      mkdirSync(d, { recursive: true });
      chownSync(d, uid, gid);
    }
    writeFileSync(`${confDir}/vtysh.conf`, 'service integrated-vtysh-config\n');
    writeFileSync(`${confDir}/frr.conf`, config);
    for (const f of ['vtysh.conf', 'frr.conf']) chownSync(`${confDir}/${f}`, uid, gid);
    const inst: FrrInstance = { ns, vtysh: makeVtysh({ socketDir }), socketDir, confDir, pids: [] };
    this.instances.push(inst);
    for (const d of DAEMONS) {
      const pidFile = `${runDir}/${d}.pid`;
      rmSync(pidFile, { force: true });
      rmSync(`${socketDir}/${d}.vty`, { force: true });
      const extra = d === 'zebra' ? (opts.zebraArgs ?? []) : [];
      // -P 0: no vty TCP listener; vtysh uses the unix sockets, as in the speaker pods.
      await this.exec(ns, [`${FRR_BIN}/${d}`, '-d', ...extra, '-N', ns, '-P', '0', '-f', `${confDir}/frr.conf`, '-i', pidFile, '-u', 'frr', '-g', 'frr']);
      const pid = await waitFor(`${d} pid file in ${ns}`, () => {
        if (!existsSync(pidFile)) return undefined;
        const n = Number(readFileSync(pidFile, 'utf8').trim());
        return n > 0 ? n : undefined;
      });
      inst.pids.push(pid);
      await waitFor(`${d} vty socket in ${ns}`, () => existsSync(`${socketDir}/${d}.vty`) || undefined);
    }
    await waitFor(`vtysh answers in ${ns}`, async () => ((await inst.vtysh.run(['-c', 'show version'])).code === 0 ? true : undefined));
    return inst;
  }

  /** Synchronous teardown (safe to call twice, and from an exit handler). */
  destroySync(): void {
    teardownSync(this.namespaces, this.instances.flatMap((i) => i.pids), this.tmp);
    this.namespaces.length = 0;
    this.instances.length = 0;
    liveLabs.delete(this);
  }

  async destroy(): Promise<void> {
    this.destroySync();
  }
}

function namespacePids(ns: string): number[] {
  try {
    return execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

/**
 * Stops the given processes and every process still inside the namespaces (by PID: SIGTERM, then
 * SIGKILL after 3 s), deletes the namespaces and their FRR directories. Used by Lab and by
 * `metallb lab down`, which knows the names only from its saved state.
 */
export function teardownSync(namespaces: readonly string[], pids: readonly number[], tmp?: string): void {
  const all = [...pids];
  for (const ns of namespaces) all.push(...namespacePids(ns));
  const unique = [...new Set(all)].filter((p) => p !== process.pid);
  for (const pid of unique) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + 3000;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (unique.some(alive) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 50);
  for (const pid of unique.filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  for (const ns of namespaces) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
    rmSync(`/etc/frr/${ns}`, { recursive: true, force: true });
    rmSync(`/var/run/frr/${ns}`, { recursive: true, force: true });
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}

/**
 * Polls `probe` until it returns a value other than undefined, at most `tries` times and `timeoutMs`
 * in all; throws with the last error seen. The pause between tries starts at 20 ms and grows.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000, tries = 400): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let pause = 20;
  let lastError: unknown;
  for (let i = 0; i < tries && Date.now() < deadline; i++) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 1.5, 500);
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${scalarText(lastError)}` : ''}`);
}

/** Runs a vtysh show command and parses its JSON output. */
export async function showJson<T = Record<string, unknown>>(vtysh: Vtysh, command: string): Promise<T> {
  const r = await vtysh.run(['-c', command]);
  if (r.code !== 0) throw new Error(`vtysh -c '${command}' failed: ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export async function runningConfig(vtysh: Vtysh): Promise<string> {
  const r = await vtysh.run(['-c', 'show running-config']);
  if (r.code !== 0) throw new Error(`show running-config failed: ${r.stderr}`);
  return r.stdout;
}
