// A watch response is newline-delimited JSON: one {type, object} event per line, where a line may
// arrive split over many chunks (and a chunk may end inside a multi-byte UTF-8 character) or many
// lines in one chunk. LineSplitter turns chunks into whole lines; readEvents feeds them to a
// handler as a response streams in.
import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';

export interface WatchEvent<T = unknown> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  /** The start of a line whose end has not arrived; kept in pieces so a long line is joined once. */
  private pending: string[] = [];

  /** The lines completed by `chunk`, without their newline; blank lines are dropped. */
  push(chunk: Buffer | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const out: string[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      this.pending.push(text.slice(start, nl));
      const line = this.pending.join('').trim();
      this.pending = [];
      if (line) out.push(line);
      start = nl + 1;
    }
    if (start < text.length) this.pending.push(text.slice(start));
    return out;
  }

  /** What is left when the stream ends: a last line without a newline. */
  end(): string[] {
    this.pending.push(this.decoder.end());
    const line = this.pending.join('').trim();
    this.pending = [];
    return line ? [line] : [];
  }
}

/**
 * Calls `onEvent` for each event of a watch response; resolves when the server ends it (a
 * timeout: the caller resumes), rejects on a broken connection or a line that is not JSON.
 */
export function readEvents<T>(res: IncomingMessage, onEvent: (ev: WatchEvent<T>) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines = new LineSplitter();
    let failed = false;
    let ended = false;
    const fail = (err: unknown): void => {
      if (failed) return;
      failed = true;
      res.destroy();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const deliver = (batch: string[]): void => {
      for (const line of batch) {
        if (failed) return;
        let ev: WatchEvent<T>;
        try {
          ev = JSON.parse(line) as WatchEvent<T>;
        } catch (err) {
          return fail(new Error(`a watch event is not JSON: ${line.slice(0, 120)}`, { cause: err }));
        }
        try {
          onEvent(ev);
        } catch (err) {
          return fail(err);
        }
      }
    };
    res.on('data', (chunk: Buffer) => deliver(lines.push(chunk)));
    res.once('end', () => {
      ended = true;
      deliver(lines.end());
      if (!failed) resolve();
    });
    res.once('error', fail);
    // A connection that drops without the chunked terminator closes the response without 'end'.
    res.once('close', () => {
      if (!ended) fail(new Error('the apiserver closed the watch mid-response'));
    });
  });
}
