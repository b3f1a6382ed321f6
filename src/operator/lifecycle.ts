// What the reconciler and the @dot-i/k8s-operator adapter know of each other: the adapter starts
// and stops a Lifecycle, and lends it the library's finalizer protocol (ADR 0019).
import type { Obj } from '../k8s/client.js';

/** Something the library's start()/stop() drive: the reconciler. */
export interface Lifecycle {
  /** Starts the informers and the work queue; resolves once their caches are synced. */
  start(): Promise<void>;
  stop(): void;
}

/** The finalizer protocol, as the reconciler needs it. */
export interface Finalizers {
  /**
   * For an object that is not being deleted: adds `finalizer` when it is missing (true: added,
   * wait for the update). For one being deleted: runs `onDelete` then removes `finalizer` if it
   * was there (true). false: nothing to do, reconcile on. `obj` is never modified (it is the
   * informer's cached copy); a failed write throws, so the work queue retries.
   */
  handle(obj: Obj, finalizer: string, onDelete: () => Promise<void>): Promise<boolean>;
}
