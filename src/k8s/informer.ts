// A list+watch cache that survives apiserver restarts and broken watches: it resumes from the last
// resourceVersion it saw (bookmarks included), relists only on 410 Gone, and then reports only what
// really changed. Handlers run after the cache is updated; nothing here ever exits the process.
// The list is read in pages and the watch is our own streamed GET (watch-stream.ts), so a cache
// of 10,000 Services never passes through one huge response string.
import { retryDelayMs } from './backoff.js';
import { LIST_PAGE_SIZE } from './client.js';
import type { Kube } from './client.js';
import { toKubeError } from './errors.js';
import type { Obj } from '../api/object.js';
import type { ObjectList, Status } from './types.js';
import { readEvents } from './watch-stream.js';
import type { Logger } from '../util/log.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type Handler<T> = (type: EventType, obj: T, old?: T) => void;

export interface InformerSpec {
  apiVersion: string;
  kind: string;
  namespace?: string;
  labelSelector?: string;
  /** e.g. `metadata.name=config`: one object watched without reading its siblings. */
  fieldSelector?: string;
  /**
   * Keeps only what the program reads of each object (applied before caching): a speaker holds
   * every Service and EndpointSlice of the cluster, most of whose fields it never looks at.
   */
  project?: (obj: Obj) => Obj;
  /** The longest retry delay (default 5 s): a liveness watch must retry within its lease duration. */
  maxBackoffMs?: number;
}

const key = (o: Obj): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
const statusOf = (err: unknown): number | undefined => (err as { statusCode?: number } | undefined)?.statusCode;

/**
 * Nothing here reads managedFields, and they are often the largest part of an object: dropping
 * them keeps a cache of 10,000 Services small (client-go's informers offer the same transform).
 */
function trim<T extends Obj>(o: T): T {
  if (o.metadata && 'managedFields' in o.metadata) delete o.metadata.managedFields;
  return o;
}

/**
 * The server ends a watch after timeoutSeconds; spreading it over 4–7 minutes (as client-go does)
 * keeps the informers of many speakers from all reconnecting at the same moment.
 */
const watchTimeoutSeconds = (): number => 240 + Math.floor(Math.random() * 181);
/** A connection that dies silently (no FIN, no RST) never ends: give up this long after the server should have. */
const WATCH_GRACE_MS = 60_000;

export class Informer<T extends Obj = Obj> {
  private readonly cache = new Map<string, T>();
  private readonly handlers: Handler<T>[] = [];
  private lastRV = '';
  private abort: AbortController | undefined;
  private stopped = true;
  private running = false;
  private backoffMs = 200;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private syncedResolve: (() => void) | undefined;
  /** Resolves once the first list has been delivered to the handlers. */
  readonly synced: Promise<void>;
  /** Counters for tests and metrics: how often the watch was resumed and relisted. */
  readonly stats = { lists: 0, watches: 0, errors: 0, restarts: 0 };
  private relistRequested = false;

  constructor(
    private readonly kube: Kube,
    readonly spec: InformerSpec,
    private readonly log: Logger,
  ) {
    this.synced = new Promise((resolve) => (this.syncedResolve = resolve));
  }

  on(handler: Handler<T>): this {
    this.handlers.push(handler);
    return this;
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(`${namespace ?? ''}/${name}`);
  }

  start(): void {
    this.stopped = false;
    if (!this.running) void this.run();
  }

  /**
   * Drops the current watch and lists afresh: for a caller that knows the watch has stalled (a
   * half-open connection delivers nothing and ends only at its timeout, minutes later).
   */
  restart(): void {
    this.stats.restarts++;
    this.relistRequested = true;
    this.abort?.abort();
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    this.abort?.abort();
  }

  /** List, then watch and resume for ever; list again only when the server says 410 Gone. */
  private async run(): Promise<void> {
    this.running = true;
    let listed = false;
    try {
      while (!this.stopped) {
        try {
          if (this.relistRequested) {
            this.relistRequested = false;
            listed = false;
          }
          if (!listed) {
            await this.relist();
            listed = true;
          }
          if (await this.watch()) listed = false;
        } catch (err) {
          if (this.stopped) break;
          this.stats.errors++;
          const e = toKubeError(`${listed ? 'watch' : 'list'} ${this.spec.kind}`, err);
          const cap = this.spec.maxBackoffMs ?? 5000;
          // Jittered within [d, 1.5 d), so the whole retry stays under the cap's 1.5x at most.
          const delayMs = retryDelayMs(1, Math.min(this.backoffMs, cap / 1.5), cap);
          this.log.warn('watch interrupted; retrying', { event: 'watch-retry', kind: this.spec.kind, delayMs, error: e.message });
          await this.sleep(delayMs);
          this.backoffMs = Math.min(this.backoffMs * 2, cap);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }

  private selectors(): URLSearchParams {
    const q = new URLSearchParams();
    if (this.spec.labelSelector) q.set('labelSelector', this.spec.labelSelector);
    if (this.spec.fieldSelector) q.set('fieldSelector', this.spec.fieldSelector);
    return q;
  }

  private projected(obj: T): T {
    return this.spec.project ? (this.spec.project(obj) as T) : obj;
  }

  private emit(type: EventType, obj: T, old?: T): void {
    for (const h of this.handlers) {
      try {
        h(type, obj, old);
      } catch (err) {
        this.log.error('informer handler failed', { event: 'informer-handler-error', kind: this.spec.kind, error: String(err) });
      }
    }
  }

  /** Lists page by page, updating the cache as pages arrive; then drops what the list lacked. */
  private async relist(): Promise<void> {
    this.stats.lists++;
    const { apiVersion, kind } = this.spec;
    const path = await this.kube.collectionPath(apiVersion, kind, this.spec.namespace);
    const seen = new Set<string>();
    let token = '';
    let rv = '';
    for (;;) {
      if (this.stopped) throw new Error('stopped');
      const q = this.selectors();
      q.set('limit', String(LIST_PAGE_SIZE));
      if (token) q.set('continue', token);
      this.abort = new AbortController();
      let page: ObjectList<T>;
      try {
        page = (await this.kube.http.json('GET', `${path}?${q.toString()}`, { signal: this.abort.signal })) as ObjectList<T>;
      } catch (err) {
        if (!token || statusOf(err) !== 410) throw err;
        // The continue token outlived etcd's compaction: the pages read so far stay cached, and a
        // fresh list from the start finds what changed meanwhile.
        this.log.info('list continue token expired; listing again', { event: 'list-restart', kind });
        this.stats.lists++;
        seen.clear();
        token = '';
        continue;
      }
      for (const raw of page.items) {
        trim(raw);
        // List items carry no apiVersion/kind; the handlers and planners want them.
        raw.apiVersion = apiVersion;
        raw.kind = kind;
        const item = this.projected(raw);
        const k = key(item);
        seen.add(k);
        const old = this.cache.get(k);
        this.cache.set(k, item);
        if (!old) this.emit('ADDED', item);
        else if (old.metadata?.resourceVersion !== item.metadata?.resourceVersion) this.emit('MODIFIED', item, old);
      }
      rv = page.metadata?.resourceVersion ?? rv;
      token = page.metadata?.continue ?? '';
      if (!token) break;
    }
    for (const [k, old] of [...this.cache]) {
      if (!seen.has(k)) {
        this.cache.delete(k);
        this.emit('DELETED', old, old);
      }
    }
    this.lastRV = rv;
    this.syncedResolve?.();
    this.backoffMs = 200;
  }

  /**
   * One watch from lastRV until the server ends it. Resolves true when it answered 410 Gone (the
   * caller relists), false when it ended normally or we were stopped (the caller resumes).
   */
  private async watch(): Promise<boolean> {
    this.stats.watches++;
    const { kind } = this.spec;
    const path = await this.kube.collectionPath(this.spec.apiVersion, kind, this.spec.namespace);
    const timeout = watchTimeoutSeconds();
    const q = this.selectors();
    q.set('watch', '1');
    q.set('resourceVersion', this.lastRV);
    q.set('allowWatchBookmarks', 'true');
    q.set('timeoutSeconds', String(timeout));
    const abort = new AbortController();
    this.abort = abort;
    if (this.stopped) abort.abort();
    const guard = setTimeout(() => abort.abort(), timeout * 1000 + WATCH_GRACE_MS);
    let failure: Status | undefined;
    let events = 0;
    const started = Date.now();
    try {
      const res = await this.kube.stream(`${path}?${q.toString()}`, abort.signal);
      await readEvents<T>(res, (ev) => {
        if (ev.type === 'ERROR') {
          failure = ev.object as unknown as Status;
          this.log.info('watch expired', { event: 'watch-error', kind, code: failure.code, message: failure.message });
          // Nothing follows an ERROR but the end of the stream.
          res.destroy();
          return;
        }
        events++;
        this.backoffMs = 200;
        const obj = ev.object;
        const rv = obj.metadata?.resourceVersion;
        if (rv) this.lastRV = rv;
        if (ev.type === 'BOOKMARK') return;
        this.applyEvent(ev.type, this.projected(trim(obj)));
      });
    } catch (err) {
      if (this.stopped) return false;
      if (failure?.code === 410 || statusOf(err) === 410) return true;
      if (!failure) throw err;
    } finally {
      clearTimeout(guard);
    }
    if (failure?.code === 410) return true;
    if (failure) throw Object.assign(new Error(`watch error ${failure.code ?? ''}: ${failure.message ?? ''}`), { statusCode: failure.code, reason: failure.reason });
    // A watch that ends cleanly (the server's timeout) is resumed at once from where it was; one
    // that ends at once, before anything arrived, goes through the backoff, so a server that
    // closes every watch is not asked again in a tight loop.
    if (events === 0 && !this.stopped && Date.now() - started < 1000) throw new Error('the watch ended at once, before any event');
    return false;
  }

  private applyEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void {
    const k = key(obj);
    const old = this.cache.get(k);
    if (type === 'DELETED') {
      this.cache.delete(k);
      this.emit('DELETED', obj, old);
    } else {
      this.cache.set(k, obj);
      this.emit(old ? 'MODIFIED' : 'ADDED', obj, old);
    }
  }
}
