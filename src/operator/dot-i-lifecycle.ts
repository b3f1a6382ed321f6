// The one module that touches @dot-i/k8s-operator (the design card puts it in charge of the
// MetalLB loop; ADR 0019 says what of it is used). It is a thin adapter around the plain
// reconciler: the library's start() → init() and stop() drive the reconciler's, and its
// handleResourceFinalizer decides when the finalizer is added, when the delete action runs and
// when the finalizer is removed. Everything else of the library is unsafe for us and not called:
// watchResource (process.exit(1) on a watch error, restarts without a resourceVersion), its event
// queue, its status helpers (they swallow errors) and its KubeConfig (the constructor loads the
// default one; see inertDefaultLoad).
import { createRequire } from 'node:module';
import dotI from '@dot-i/k8s-operator';
import type { ResourceEvent, ResourceMeta, OperatorLogger } from '@dot-i/k8s-operator';
import type * as ClientNode from '@kubernetes/client-node';
import type { Kube, Obj } from '../k8s/client.js';
import type { Logger } from '../util/log.js';
import type { Finalizers, Lifecycle } from './lifecycle.js';

// The package is CommonJS with `exports.default = Operator`: its default import is module.exports.
const OperatorBase = dotI.default;
const { ResourceMetaImpl, ResourceEventType } = dotI;

// client-node exactly as the library resolves it (a nested copy would be a different KubeConfig class).
const require = createRequire(import.meta.url);
const clientNode = createRequire(require.resolve('@dot-i/k8s-operator'))('@kubernetes/client-node') as typeof ClientNode;

/** Where the library's own KubeConfig points: `.invalid` never resolves, so a stray use fails instead of reaching a cluster. */
export const INERT_SERVER = 'https://dot-i-kubeconfig-unused.invalid';

/**
 * The library's constructor runs `new KubeConfig().loadFromDefault()`: it reads $KUBECONFIG (the
 * first entry, and throws if that file is missing, where our loader takes the first existing
 * one), ~/.kube/config or the service account, none of which need be what the operator was told
 * to use. For the duration of that synchronous constructor only, loadFromDefault loads an inert
 * cluster instead; the returned function puts the real one back.
 */
function inertDefaultLoad(): () => void {
  const proto = clientNode.KubeConfig.prototype;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back on the prototype, never called detached
  const original = proto.loadFromDefault;
  proto.loadFromDefault = function inert(this: ClientNode.KubeConfig): void {
    this.loadFromClusterAndUser({ name: 'dot-i-unused', server: INERT_SERVER, skipTLSVerify: false }, { name: 'dot-i-unused' });
  };
  return () => {
    proto.loadFromDefault = original;
  };
}

/** Our objects as the library's type: it declares timestamps as Date, the wire (and we) have strings. */
const wire = (obj: Obj): ClientNode.KubernetesObject => obj as unknown as ClientNode.KubernetesObject;

function loggerAdapter(log: Logger): OperatorLogger {
  return {
    debug: (m: string) => log.debug(m, { event: 'dot-i' }),
    info: (m: string) => log.info(m, { event: 'dot-i' }),
    warn: (m: string) => log.warn(m, { event: 'dot-i' }),
    error: (m: string) => log.error(m, { event: 'dot-i' }),
  };
}

export class DotILifecycle<R extends Lifecycle> extends OperatorBase implements Finalizers {
  readonly reconciler: R;
  private readonly kube: Kube;

  /** `build` makes the reconciler, handing it this adapter as its finalizer protocol. */
  constructor(kube: Kube, log: Logger, build: (finalizers: Finalizers) => R) {
    const restore = inertDefaultLoad();
    try {
      super(loggerAdapter(log));
    } finally {
      restore();
    }
    this.kube = kube;
    this.reconciler = build(this);
  }

  /** Called by the library's start(). */
  protected async init(): Promise<void> {
    await this.reconciler.start();
  }

  /** The library's stop() aborts its own watches: there are none, as watchResource is never called. */
  override stop(): void {
    this.reconciler.stop();
    super.stop();
  }

  handle(obj: Obj, finalizer: string, onDelete: () => Promise<void>): Promise<boolean> {
    // The library pushes onto the event object's metadata.finalizers: it gets a copy, never the cache's.
    const copy = wire(structuredClone(obj));
    const event: ResourceEvent = { meta: ResourceMetaImpl.createWithId(`${obj.kind}.${obj.apiVersion}`, copy), object: copy, type: ResourceEventType.Modified };
    return this.handleResourceFinalizer(event, finalizer, () => onDelete());
  }

  /**
   * The library's hook for writing finalizers. Its own needs the paths watchResource records and
   * logs and swallows a failed patch; ours patches through our client and throws, so the work
   * queue retries.
   */
  protected override async setResourceFinalizers(meta: ResourceMeta, finalizers: string[]): Promise<void> {
    const ref = { apiVersion: meta.apiVersion, kind: meta.kind, name: meta.name, ...(meta.namespace ? { namespace: meta.namespace } : {}) };
    await this.kube.mergePatch(ref, { metadata: { finalizers } });
  }
}
