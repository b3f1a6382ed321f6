// Reads FRR's running config straight from the daemons' vty sockets, as vtysh itself does, without
// starting vtysh: a vtysh process spends ≈ 25 ms building its command tree for every daemon before
// it sends one command, which was a third of `metallb frr-apply`'s own time. Each daemon prints its
// part (bgpd: router bgp; bfdd: bfd; zebra: nht; each: its prefix-lists and route-maps); parsing
// them as one text unions them (parseConfig merges repeated contexts and drops repeated lines),
// which is what vtysh's merge does. Only reads go this way: writes need vtysh, which knows which
// daemons each command belongs to. Protocol (FRR lib/vty.c, vtysh.c): the client sends a command
// terminated by NUL; the daemon answers with its output and then three NULs and a status byte
// (0 = success).
import { createConnection, type Socket } from 'node:net';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** FRR's default socket directory (`--vty_socket`), and where `-N NAME` pathspaces live. */
export const DEFAULT_SOCKET_DIR = '/var/run/frr';

export function socketDirOf(opts: { socketDir?: string; pathspace?: string }): string {
  return opts.socketDir ?? (opts.pathspace ? join(DEFAULT_SOCKET_DIR, opts.pathspace) : DEFAULT_SOCKET_DIR);
}

/** One vtysh-style session on a daemon's socket: commands go one at a time. */
class VtySession {
  private buf: Buffer = Buffer.alloc(0);
  private scanFrom = 0;
  private pending: { resolve(r: { output: string; status: number }): void; reject(e: Error): void } | undefined;
  private failure: Error | undefined;

  constructor(private readonly sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.deliver();
    });
    const fail = (e: Error): void => {
      this.failure ??= e;
      this.pending?.reject(this.failure);
      this.pending = undefined;
    };
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('the daemon closed its vty socket')));
  }

  private deliver(): void {
    if (!this.pending) return;
    // Only the new bytes (and the three before them) can hold the end marker: no rescans.
    for (let i = Math.max(0, this.scanFrom - 3); i + 3 < this.buf.length; i++) {
      if (this.buf[i] === 0 && this.buf[i + 1] === 0 && this.buf[i + 2] === 0) {
        const output = this.buf.subarray(0, i).toString('utf8');
        const status = this.buf[i + 3] as number;
        this.buf = this.buf.subarray(i + 4);
        this.scanFrom = 0;
        const p = this.pending;
        this.pending = undefined;
        p.resolve({ output, status });
        return;
      }
    }
    this.scanFrom = this.buf.length;
  }

  command(line: string): Promise<{ output: string; status: number }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.sock.write(`${line}\0`);
      this.deliver();
    });
  }
}

/** Runs `command` (a show command) on one daemon's socket and returns what it printed. */
async function queryOne(path: string, command: string, timeoutMs: number): Promise<string> {
  const sock = createConnection(path);
  const timer = setTimeout(() => sock.destroy(new Error(`no answer from ${path} within ${timeoutMs} ms`)), timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    const session = new VtySession(sock);
    const run = async (line: string): Promise<string> => {
      const r = await session.command(line);
      if (r.status !== 0) throw new Error(`${path}: "${line}" failed with status ${r.status}: ${r.output.trim()}`);
      return r.output;
    };
    await run('enable'); // a vtysh connection starts in view mode, as vtysh's own sessions do
    return await run(command);
  } finally {
    clearTimeout(timer);
    sock.destroy();
  }
}

/**
 * Every running daemon's part of the running config, read in parallel. Throws if a socket is
 * there but its daemon does not answer: the caller then asks vtysh, whose error says more.
 */
export async function readDaemonConfigs(socketDir: string, timeoutMs = 10_000): Promise<string[]> {
  const sockets = (await readdir(socketDir)).filter((f) => f.endsWith('.vty')).sort();
  if (sockets.length === 0) throw new Error(`no vty sockets in ${socketDir}`);
  return Promise.all(sockets.map((f) => queryOne(join(socketDir, f), 'show running-config', timeoutMs)));
}

/** One daemon's answer to a show command (e.g. bgpd, `show bgp vrf all neighbors json`). */
export function queryDaemon(socketDir: string, daemon: string, command: string, timeoutMs = 10_000): Promise<string> {
  return queryOne(join(socketDir, `${daemon}.vty`), command, timeoutMs);
}
