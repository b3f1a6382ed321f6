// The thin Kubernetes adapter every program uses: server-side apply with one field manager per
// program, reads that return undefined for 404, status patches, Events. Every write is counted so
// "zero writes while idle" can be measured, not assumed. It speaks HTTP itself (http.ts) rather
// than through @kubernetes/client-node (docs/adr/0009-own-kubernetes-http-client.md).
import type { IncomingMessage } from 'node:http';
import { toKubeError } from './errors.js';
import { KubeHttp } from './http.js';
import type { KubeConfig } from './kubeconfig.js';
import { groupVersionPath, ResourceIndex } from './resources.js';
import type { ResourceInfo } from './resources.js';
import type { KubernetesObject, Obj } from '../api/object.js';
import type { ObjectList } from './types.js';

// The client speaks the tree's one object type (src/api/object.ts).
export type { KubernetesObject, ObjectMeta, Obj, OwnerReference } from '../api/object.js';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export function refOf(obj: KubernetesObject): ObjectRef {
  const ref: ObjectRef = { apiVersion: obj.apiVersion ?? '', kind: obj.kind ?? '', name: obj.metadata?.name ?? '' };
  if (obj.metadata?.namespace) ref.namespace = obj.metadata.namespace;
  return ref;
}

export function keyOf(ref: ObjectRef): string {
  return `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** Objects per LIST page: a cluster's 10,000 Services are never one response held in memory. */
export const LIST_PAGE_SIZE = 500;

export class Kube {
  readonly http: KubeHttp;
  private readonly resources: ResourceIndex;
  /** Where a namespaced object without a namespace goes: the context's (the pod's) namespace. */
  private readonly defaultNamespace: string;
  /** Writes sent to the apiserver by this client, by verb. */
  readonly writes = { apply: 0, patch: 0, create: 0, delete: 0, status: 0 };

  constructor(
    readonly config: KubeConfig,
    readonly fieldManager: string,
  ) {
    this.http = new KubeHttp(config);
    this.resources = new ResourceIndex((path) => this.http.json('GET', path));
    this.defaultNamespace = config.namespace ?? 'default';
  }

  get totalWrites(): number {
    return Object.values(this.writes).reduce((a, b) => a + b, 0);
  }

  /** Server-side apply, forcing ownership of the fields we set (we are their only writer). */
  async apply<T extends Obj>(obj: T): Promise<T> {
    this.writes.apply++;
    const ref = refOf(obj);
    try {
      const path = await this.objectPath(ref, true);
      // The apply content type takes YAML, and JSON is YAML.
      return (await this.http.json('PATCH', `${path}?fieldManager=${encodeURIComponent(this.fieldManager)}&force=true`, { body: obj, contentType: 'application/apply-patch+yaml' })) as T;
    } catch (err) {
      throw toKubeError(`apply ${describe(ref)}`, err);
    }
  }

  /** Server-side apply of the status subresource (a kind with `subresources.status` ignores status on apply). */
  async applyStatus<T extends Obj>(obj: T): Promise<T> {
    this.writes.status++;
    const ref = refOf(obj);
    try {
      const path = await this.objectPath(ref, true);
      return (await this.http.json('PATCH', `${path}/status?fieldManager=${encodeURIComponent(this.fieldManager)}&force=true`, { body: obj, contentType: 'application/apply-patch+yaml' })) as T;
    } catch (err) {
      throw toKubeError(`apply status of ${describe(ref)}`, err);
    }
  }

  async get<T extends Obj>(ref: ObjectRef): Promise<T | undefined> {
    try {
      return (await this.http.json('GET', await this.objectPath(ref, true))) as T;
    } catch (err) {
      const e = toKubeError(`get ${describe(ref)}`, err);
      if (e.notFound) return undefined;
      throw e;
    }
  }

  /** Every object of a kind (in a namespace, matching a label selector), read page by page. */
  async list<T extends Obj>(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): Promise<T[]> {
    try {
      const path = await this.collectionPath(apiVersion, kind, namespace);
      const items: T[] = [];
      let token = '';
      do {
        const q = new URLSearchParams({ limit: String(LIST_PAGE_SIZE) });
        if (labelSelector) q.set('labelSelector', labelSelector);
        if (token) q.set('continue', token);
        const page = (await this.http.json('GET', `${path}?${q.toString()}`)) as ObjectList<T>;
        items.push(...page.items);
        token = page.metadata?.continue ?? '';
      } while (token);
      return items;
    } catch (err) {
      throw toKubeError(`list ${kind}`, err);
    }
  }

  /** Deletes; a missing object is not an error (the goal is that it is gone). */
  async delete(ref: ObjectRef, propagationPolicy = 'Background'): Promise<void> {
    this.writes.delete++;
    try {
      await this.http.json('DELETE', `${await this.objectPath(ref, true)}?propagationPolicy=${encodeURIComponent(propagationPolicy)}`);
    } catch (err) {
      const e = toKubeError(`delete ${describe(ref)}`, err);
      if (!e.notFound) throw e;
    }
  }

  async mergePatch<T extends Obj>(ref: ObjectRef, patch: Record<string, unknown>): Promise<T> {
    this.writes.patch++;
    try {
      return (await this.request('PATCH', await this.resourcePath(ref), patch, 'application/merge-patch+json')) as T;
    } catch (err) {
      throw toKubeError(`patch ${describe(ref)}`, err);
    }
  }

  /** Writes the status subresource with a merge patch (callers only call it when status changed). */
  async patchStatus(ref: ObjectRef, status: unknown): Promise<void> {
    this.writes.status++;
    const path = await this.resourcePath(ref);
    try {
      await this.request('PATCH', `${path}/status`, { status }, 'application/merge-patch+json');
    } catch (err) {
      throw toKubeError(`update status of ${describe(ref)}`, err);
    }
  }

  /** Records an Event on an object, as `kubectl describe` shows it. */
  async event(involved: KubernetesObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string): Promise<void> {
    this.writes.create++;
    const ns = involved.metadata?.namespace ?? 'default';
    const now = new Date().toISOString();
    const ev = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${involved.metadata?.name ?? 'object'}.`, namespace: ns },
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        name: involved.metadata?.name,
        namespace: involved.metadata?.namespace,
        uid: involved.metadata?.uid,
        resourceVersion: involved.metadata?.resourceVersion,
      },
      type,
      reason,
      message,
      source: { component },
      reportingComponent: component,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    try {
      await this.request('POST', `/api/v1/namespaces/${ns}/events`, ev);
    } catch (err) {
      throw toKubeError(`record event ${reason} on ${involved.kind}/${involved.metadata?.name}`, err);
    }
  }

  /** The REST path of an object, e.g. /apis/metallb.io/v1beta1/namespaces/x/metallbs/metallb. */
  async resourcePath(ref: ObjectRef): Promise<string> {
    return this.objectPath(ref, false);
  }

  /** The REST path of a kind's collection, in one namespace or (without one) across all. */
  async collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const res = await this.resource(apiVersion, kind);
    return `${groupVersionPath(apiVersion)}${res.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${res.name}`;
  }

  /** A raw request through the client's auth (used for subresources the generic API lacks). */
  request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<unknown> {
    return this.http.json(method, path, body === undefined ? {} : { body, contentType });
  }

  /** A streamed GET, for watches: the caller reads the body and aborts through `signal`. */
  stream(path: string, signal: AbortSignal): Promise<IncomingMessage> {
    return this.http.stream(path, signal);
  }

  /** Closes the pooled connections; requests after it open new ones. */
  close(): void {
    this.http.close();
  }

  private async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const res = await this.resources.lookup(apiVersion, kind);
    if (!res) throw toKubeError(`resolve ${kind}`, new Error(`the server does not serve ${apiVersion} ${kind}`));
    return res;
  }

  /**
   * `defaulted`: a namespaced object without a namespace is the context's, as kubectl and
   * client-node's generic API do for get/apply/delete.
   */
  private async objectPath(ref: ObjectRef, defaulted: boolean): Promise<string> {
    const res = await this.resource(ref.apiVersion, ref.kind);
    const ns = res.namespaced ? (ref.namespace || (defaulted ? this.defaultNamespace : '')) : '';
    return `${groupVersionPath(ref.apiVersion)}${ns ? `/namespaces/${encodeURIComponent(ns)}` : ''}/${res.name}/${encodeURIComponent(ref.name)}`;
  }
}

export function describe(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
