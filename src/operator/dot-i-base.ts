// @dot-i/k8s-operator drives the MetalLB watch loop (the design card), with three fixes made here
// by subclassing (docs/adr/0001-dot-i-operator-watch.md):
//  1. watchResource: the library calls process.exit(1) on any watch error and restarts watches
//     without a resourceVersion (replaying every object as ADDED). We watch through Informer,
//     which resumes from the last resourceVersion, relists only on 410 Gone and never exits.
//  2. setResourceFinalizers: the library logs and swallows a failed patch; ours throws, so the
//     work queue retries it and the failure is visible.
//  3. The KubeConfig is ours (the library loads the default one in its constructor): it is built
//     from the same source as our client's (the file, or the service account), so both talk to
//     the same cluster as the same user. This is the one place that loads client-node, which the
//     library needs; the rest of the programs use src/k8s (docs/adr/0009-own-kubernetes-http-client.md).
import dotI from '@dot-i/k8s-operator';
import type { ResourceEvent, ResourceMeta, OperatorLogger } from '@dot-i/k8s-operator';
import * as k8s from '@kubernetes/client-node';
import { Informer } from '../k8s/informer.js';
import type { EventType } from '../k8s/informer.js';
import type { Kube, Obj } from '../k8s/client.js';
import type { KubeConfig } from '../k8s/kubeconfig.js';
import type { Logger } from '../util/log.js';

// The package is CommonJS with `exports.default = Operator`: its default import is module.exports.
const OperatorBase = dotI.default;
const { ResourceMetaImpl } = dotI;

/** client-node's KubeConfig for the file or service account our KubeConfig was read from. */
export function clientNodeConfig(config: KubeConfig): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (config.source.kind === 'file') {
    kc.loadFromFile(config.source.path);
    kc.setCurrentContext(config.context);
  } else {
    kc.loadFromCluster(config.source.root);
  }
  return kc;
}

/** Our objects as the library's type: it declares timestamps as Date, the wire (and we) have strings. */
const wire = (obj: Obj): k8s.KubernetesObject => obj as unknown as k8s.KubernetesObject;

function loggerAdapter(log: Logger): OperatorLogger {
  return {
    debug: (m: string) => log.debug(m, { event: 'dot-i' }),
    info: (m: string) => log.info(m, { event: 'dot-i' }),
    warn: (m: string) => log.warn(m, { event: 'dot-i' }),
    error: (m: string) => log.error(m, { event: 'dot-i' }),
  };
}

export abstract class ResilientOperator extends OperatorBase {
  protected readonly informers: Informer[] = [];

  constructor(
    protected readonly kube: Kube,
    protected readonly log: Logger,
  ) {
    super(loggerAdapter(log));
    this.kubeConfig = clientNodeConfig(kube.config);
    this.k8sApi = this.kubeConfig.makeApiClient(k8s.CoreV1Api);
  }

  /** The kind served at group/version/plural, from discovery. */
  private async kindOf(group: string, version: string, plural: string): Promise<string> {
    const apiVersion = group ? `${group}/${version}` : version;
    const body = (await this.kube.request('GET', group ? `/apis/${apiVersion}` : `/api/${apiVersion}`)) as { resources: { name: string; kind: string }[] };
    const res = body.resources.find((r) => r.name === plural);
    if (!res) throw new Error(`the server does not serve ${plural}.${apiVersion}`);
    return res.kind;
  }

  protected override async watchResource(group: string, version: string, plural: string, onEvent: (event: ResourceEvent) => Promise<void>, namespace?: string): Promise<void> {
    const apiVersion = group ? `${group}/${version}` : version;
    const kind = await this.kindOf(group, version, plural);
    const informer = new Informer(this.kube, namespace ? { apiVersion, kind, namespace } : { apiVersion, kind }, this.log);
    informer.on((type: EventType, obj: Obj) => {
      const event = { meta: ResourceMetaImpl.createWithPlural(plural, wire(obj)), object: obj, type } as unknown as ResourceEvent;
      onEvent(event).catch((err: unknown) => this.log.error('event handler failed', { event: 'handler-error', kind, error: String(err) }));
    });
    this.informers.push(informer);
    informer.start();
    await informer.synced;
    this.log.info('watching', { event: 'watch-started', resource: `${plural}.${apiVersion}` });
  }

  protected override async setResourceFinalizers(meta: ResourceMeta, finalizers: string[]): Promise<void> {
    const ref = { apiVersion: meta.apiVersion, kind: meta.kind, name: meta.name, ...(meta.namespace ? { namespace: meta.namespace } : {}) };
    await this.kube.mergePatch(ref, { metadata: { finalizers } });
  }

  override stop(): void {
    for (const i of this.informers) i.stop();
    super.stop();
  }

  /** The informer holding a kind's cache, for level-triggered reads. */
  protected informerFor(kind: string): Informer | undefined {
    return this.informers.find((i) => i.spec.kind === kind);
  }

  /** Exposed so the reconciler can reuse the library's finalizer protocol. */
  finalizer(obj: Obj, plural: string, finalizer: string, onDelete: () => Promise<void>): Promise<boolean> {
    const event = { meta: ResourceMetaImpl.createWithPlural(plural, wire(obj)), object: obj, type: 'MODIFIED' } as unknown as ResourceEvent;
    return this.handleResourceFinalizer(event, finalizer, async () => onDelete());
  }
}
