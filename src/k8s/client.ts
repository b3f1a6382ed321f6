// The thin Kubernetes adapter every program uses: server-side apply with one field manager per
// program, reads that return undefined for 404, status patches, Events. Every write is counted so
// "zero writes while idle" can be measured, not assumed.
import * as k8s from '@kubernetes/client-node';
import * as https from 'node:https';
import { toKubeError } from './errors.js';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export type Obj = k8s.KubernetesObject & { [key: string]: unknown };

export function refOf(obj: k8s.KubernetesObject): ObjectRef {
  const ref: ObjectRef = { apiVersion: obj.apiVersion ?? '', kind: obj.kind ?? '', name: obj.metadata?.name ?? '' };
  if (obj.metadata?.namespace) ref.namespace = obj.metadata.namespace;
  return ref;
}

export function keyOf(ref: ObjectRef): string {
  return `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

const APPLY = { headers: { 'Content-Type': 'application/apply-patch+yaml' } };
const MERGE = { headers: { 'Content-Type': 'application/merge-patch+json' } };

export class Kube {
  readonly objects: k8s.KubernetesObjectApi;
  /** One pool of kept-alive TLS connections for raw requests: a handshake per write would dominate. */
  private readonly agent = new https.Agent({ keepAlive: true, maxSockets: 64 });
  /** Writes sent to the apiserver by this client, by verb. */
  readonly writes = { apply: 0, patch: 0, create: 0, delete: 0, status: 0 };

  constructor(
    readonly kc: k8s.KubeConfig,
    readonly fieldManager: string,
  ) {
    this.objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  }

  get totalWrites(): number {
    return Object.values(this.writes).reduce((a, b) => a + b, 0);
  }

  /** Server-side apply, forcing ownership of the fields we set (we are their only writer). */
  async apply<T extends Obj>(obj: T): Promise<T> {
    this.writes.apply++;
    try {
      const res = await this.objects.patch<T>(obj, undefined, undefined, this.fieldManager, true, APPLY);
      return res.body;
    } catch (err) {
      throw toKubeError(`apply ${describe(refOf(obj))}`, err);
    }
  }

  async get<T extends Obj>(ref: ObjectRef): Promise<T | undefined> {
    try {
      const res = await this.objects.read<T>({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace ?? '' } } as Parameters<typeof this.objects.read<T>>[0]);
      return res.body;
    } catch (err) {
      const e = toKubeError(`get ${describe(ref)}`, err);
      if (e.notFound) return undefined;
      throw e;
    }
  }

  async list<T extends Obj>(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): Promise<T[]> {
    try {
      const res = await this.objects.list<T>(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector);
      return res.body.items;
    } catch (err) {
      throw toKubeError(`list ${kind}`, err);
    }
  }

  /** Deletes; a missing object is not an error (the goal is that it is gone). */
  async delete(ref: ObjectRef, propagationPolicy = 'Background'): Promise<void> {
    this.writes.delete++;
    try {
      await this.objects.delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace ?? '' } }, undefined, undefined, undefined, undefined, propagationPolicy);
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
  async event(involved: k8s.KubernetesObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string): Promise<void> {
    this.writes.create++;
    const ns = involved.metadata?.namespace ?? 'default';
    const now = new Date().toISOString();
    const ev = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${involved.metadata?.name ?? 'object'}.`, namespace: ns },
      involvedObject: { apiVersion: involved.apiVersion, kind: involved.kind, name: involved.metadata?.name, namespace: involved.metadata?.namespace, uid: involved.metadata?.uid, resourceVersion: involved.metadata?.resourceVersion },
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
    const res = await (this.objects as unknown as { resource(apiVersion: string, kind: string): Promise<k8s.V1APIResource | undefined> }).resource(ref.apiVersion, ref.kind);
    if (!res) throw toKubeError(`resolve ${ref.kind}`, new Error(`the server does not serve ${ref.apiVersion} ${ref.kind}`));
    const base = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
    const ns = res.namespaced && ref.namespace ? `/namespaces/${ref.namespace}` : '';
    return `${base}${ns}/${res.name}/${ref.name}`;
  }

  /** A raw request through the client's auth (used for subresources the generic API lacks). */
  async request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<unknown> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const opts: { headers?: Record<string, string> } & Record<string, unknown> = {};
    await this.kc.applyToHTTPSOptions(opts as never);
    const headers: Record<string, string> = { ...(opts.headers ?? {}), Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = contentType;
    return new Promise((resolve, reject) => {
      const req = https.request(`${cluster.server}${path}`, { ...(opts as object), agent: this.agent, method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          // Error bodies are not always JSON ("404 page not found" from discovery): keep the text.
          let parsed: unknown = text;
          try {
            parsed = text ? (JSON.parse(text) as unknown) : undefined;
          } catch {
            /* not JSON */
          }
          if ((res.statusCode ?? 500) >= 400) reject(Object.assign(new Error(`HTTP ${res.statusCode}: ${typeof parsed === 'string' ? parsed.trim() : ''}`), { statusCode: res.statusCode, body: parsed }));
          else if (typeof parsed === 'string') reject(new Error(`expected JSON from ${path}, got: ${parsed.slice(0, 200)}`));
          else resolve(parsed);
        });
      });
      req.on('error', reject);
      if (body !== undefined) req.write(JSON.stringify(body));
      req.end();
    });
  }
}

export function describe(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
