// A serving certificate kept in a directory (tls.crt, tls.key), as OLM, service-ca, cert-manager
// and our operator all mount it: read at start and re-read every few seconds, so a renewal
// (the Secret's new content appears in the mounted files) needs no restart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:https';
import type { Logger } from './log.js';
import { errorMessage } from './errors.js';

export interface TlsFiles {
  cert: string;
  key: string;
}

export function readTlsDir(dir: string): TlsFiles | undefined {
  try {
    return { cert: readFileSync(join(dir, 'tls.crt'), 'utf8'), key: readFileSync(join(dir, 'tls.key'), 'utf8') };
  } catch {
    return undefined;
  }
}

/** Swaps the server's certificate when the files change; returns the timer (cleared on stop). */
export function reloadTlsDir(server: Server, dir: string, first: TlsFiles, pollMs: number, log: Logger, what: string): NodeJS.Timeout {
  let current = first;
  const timer = setInterval(() => {
    const next = readTlsDir(dir);
    if (!next || (next.cert === current.cert && next.key === current.key)) return;
    try {
      server.setSecureContext({ cert: next.cert, key: next.key });
      current = next;
      log.info(`${what} serving certificate reloaded`, { event: 'cert-reloaded', server: what, dir });
    } catch (err) {
      log.warn(`new ${what} certificate unusable; keeping the old one`, { event: 'cert-invalid', server: what, error: errorMessage(err) });
    }
  }, pollMs);
  timer.unref();
  return timer;
}
