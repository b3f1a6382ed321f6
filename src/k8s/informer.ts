// A list+watch cache that survives apiserver restarts and broken watches: it resumes from the last
// resourceVersion it saw (bookmarks included), relists only on 410 Gone, and then reports only what
// really changed. Handlers run after the cache is updated; nothing here ever exits the process.
import * as k8s from '@kubernetes/client-node';
import type { Kube, Obj } from './client.js';
import { toKubeError } from './errors.js';
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
}

const key = (o: k8s.KubernetesObject): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/**
 * Nothing here reads managedFields, and they are often the largest part of an object: dropping
 * them keeps a cache of 10,000 Services small (client-go's informers offer the same transform).
 */
function trim<T extends k8s.KubernetesObject>(o: T): T {
  if (o.metadata && 'managedFields' in o.metadata) delete (o.metadata as { managedFields?: unknown }).managedFields;
  return o;
}

export class Informer<T extends Obj = Obj> {
  private readonly cache = new Map<string, T>();
  private readonly handlers: Handler<T>[] = [];
  private lastRV = '';
  private request: { abort(): void } | undefined;
  private stopped = false;
  private backoffMs = 200;
  private timer: NodeJS.Timeout | undefined;
  private syncedResolve: (() => void) | undefined;
  /** Resolves once the first list has been delivered to the handlers. */
  readonly synced: Promise<void>;
  /** Counters for tests and metrics: how often the watch was resumed and relisted. */
  readonly stats = { lists: 0, watches: 0, errors: 0 };

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
    void this.relist();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.request?.abort();
  }

  private async collectionPath(): Promise<string> {
    const { apiVersion, kind, namespace } = this.spec;
    const res = await (this.kube.objects as unknown as { resource(a: string, k: string): Promise<k8s.V1APIResource | undefined> }).resource(apiVersion, kind);
    if (!res) throw new Error(`the server does not serve ${apiVersion} ${kind}`);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    return `${base}${res.namespaced && namespace ? `/namespaces/${namespace}` : ''}/${res.name}`;
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

  private async relist(): Promise<void> {
    if (this.stopped) return;
    try {
      this.stats.lists++;
      const path = await this.collectionPath();
      const sel = [this.spec.labelSelector ? `labelSelector=${encodeURIComponent(this.spec.labelSelector)}` : '', this.spec.fieldSelector ? `fieldSelector=${encodeURIComponent(this.spec.fieldSelector)}` : ''].filter(Boolean);
      const q = sel.length > 0 ? `?${sel.join('&')}` : '';
      const body = (await this.kube.request('GET', `${path}${q}`)) as { metadata: { resourceVersion: string }; items: T[] };
      const seen = new Set<string>();
      for (const raw of body.items) {
        trim(raw);
        raw.apiVersion = this.spec.apiVersion;
        raw.kind = this.spec.kind;
        const item = this.projected(raw);
        const k = key(item);
        seen.add(k);
        const old = this.cache.get(k);
        this.cache.set(k, item);
        if (!old) this.emit('ADDED', item);
        else if (old.metadata?.resourceVersion !== item.metadata?.resourceVersion) this.emit('MODIFIED', item, old);
      }
      for (const [k, old] of [...this.cache]) {
        if (!seen.has(k)) {
          this.cache.delete(k);
          this.emit('DELETED', old, old);
        }
      }
      this.lastRV = body.metadata.resourceVersion;
      this.syncedResolve?.();
      this.backoffMs = 200;
      await this.watch();
    } catch (err) {
      this.retry(() => this.relist(), toKubeError(`list ${this.spec.kind}`, err));
    }
  }

  private retry(fn: () => Promise<void>, err: unknown): void {
    if (this.stopped) return;
    this.stats.errors++;
    this.log.warn('watch interrupted; retrying', { event: 'watch-retry', kind: this.spec.kind, delayMs: this.backoffMs, error: String((err as Error)?.message ?? err) });
    this.timer = setTimeout(() => void fn(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, 5000);
  }

  private async watch(): Promise<void> {
    if (this.stopped) return;
    this.stats.watches++;
    const path = await this.collectionPath();
    const params: Record<string, unknown> = { resourceVersion: this.lastRV, allowWatchBookmarks: true };
    if (this.spec.labelSelector) params['labelSelector'] = this.spec.labelSelector;
    if (this.spec.fieldSelector) params['fieldSelector'] = this.spec.fieldSelector;
    let gone = false;
    let finished = false;
    const done = (err: unknown): void => {
      if (finished) return;
      finished = true;
      if (this.stopped) return;
      if (gone) return void this.relist();
      if (err) return this.retry(() => this.watch().catch((e: unknown) => this.retry(() => this.relist(), e)), err);
      // A watch that ends cleanly (server timeout) is resumed at once from where it was.
      void this.watch().catch((e: unknown) => this.retry(() => this.relist(), e));
    };
    const onEvent = (phase: string, obj: T): void => {
      if (phase === 'ERROR') {
        const status = obj as unknown as { code?: number; message?: string };
        if (status.code === 410) gone = true;
        this.log.info('watch expired', { event: 'watch-error', kind: this.spec.kind, code: status.code, message: status.message });
        return;
      }
      const rv = obj.metadata?.resourceVersion;
      if (rv) this.lastRV = rv;
      if (phase === 'BOOKMARK') return;
      obj = this.projected(trim(obj));
      this.backoffMs = 200;
      const k = key(obj);
      const old = this.cache.get(k);
      if (phase === 'DELETED') {
        this.cache.delete(k);
        this.emit('DELETED', obj, old);
      } else {
        this.cache.set(k, obj);
        this.emit(old ? 'MODIFIED' : 'ADDED', obj, old);
      }
    };
    this.request = (await new k8s.Watch(this.kube.kc).watch(path, params, onEvent as (p: string, o: unknown) => void, done)) as { abort(): void };
  }
}
