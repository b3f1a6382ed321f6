// The narrow adapter between the applier and FRR: run vtysh with some arguments (and optional
// stdin) and return what it printed. Everything FRR-specific about *how* to reach a given FRR
// (socket directory, pathspace, network namespace) is decided here, once.
import { spawn } from 'node:child_process';
import { queryDaemon, readDaemonConfigs, socketDirOf } from './vty-socket.js';

export interface VtyshResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Vtysh {
  run(args: string[], stdin?: string): Promise<VtyshResult>;
  /** Each daemon's running config, read from its vty socket without starting vtysh (optional: a fast path). */
  readConfigs?(): Promise<string[]>;
  /** One daemon's answer to a show command, from its vty socket (optional: a fast path). */
  query?(daemon: string, command: string): Promise<string>;
}

export interface VtyshOptions {
  /** Directory holding the daemons' vty sockets (`vtysh --vty_socket DIR`). */
  socketDir?: string;
  /** FRR pathspace (`vtysh -N NAME`): sockets in /var/run/frr/NAME, config in /etc/frr/NAME. */
  pathspace?: string;
  /** Run vtysh inside this network namespace (`ip netns exec NS`); sockets work without it. */
  netns?: string;
  /** The vtysh binary; default "vtysh" from PATH. */
  binary?: string;
  /** Give up on one invocation after this many milliseconds (default 120 s). */
  timeoutMs?: number;
}

export function vtyshCommand(opts: VtyshOptions, args: string[]): { file: string; argv: string[] } {
  const base: string[] = [];
  if (opts.pathspace) base.push('-N', opts.pathspace);
  if (opts.socketDir) base.push('--vty_socket', opts.socketDir);
  const binary = opts.binary ?? 'vtysh';
  if (opts.netns) return { file: 'ip', argv: ['netns', 'exec', opts.netns, binary, ...base, ...args] };
  return { file: binary, argv: [...base, ...args] };
}

export function makeVtysh(opts: VtyshOptions = {}): Vtysh {
  return {
    readConfigs: () => readDaemonConfigs(socketDirOf(opts), opts.timeoutMs ?? 120_000),
    query: (daemon, command) => queryDaemon(socketDirOf(opts), daemon, command, opts.timeoutMs ?? 120_000),
    run(args: string[], stdin?: string): Promise<VtyshResult> {
      const { file, argv } = vtyshCommand(opts, args);
      return new Promise((resolve, reject) => {
        const child = spawn(file, argv, { stdio: ['pipe', 'pipe', 'pipe'], timeout: opts.timeoutMs ?? 120_000 });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on('data', (d: Buffer) => out.push(d));
        child.stderr.on('data', (d: Buffer) => err.push(d));
        child.on('error', reject);
        child.on('close', (code, signal) => {
          resolve({
            code: code ?? (signal ? 128 : 1),
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(err).toString('utf8') + (signal ? `\nvtysh killed by ${signal}` : ''),
          });
        });
        child.stdin.on('error', () => undefined); // vtysh may exit before reading all of stdin
        child.stdin.end(stdin ?? '');
      });
    },
  };
}
