// A program's informers as one cache: started together, synced together, read by kind. What each
// program watches is src/k8s/watched-kinds.ts.
import { Informer } from './informer.js';
import type { InformerSpec } from './informer.js';
import type { Kube, Obj } from './client.js';
import type { Logger } from '../util/log.js';

export class Caches {
  readonly informers: Informer[];
  constructor(kube: Kube, specs: InformerSpec[], log: Logger) {
    this.informers = specs.map((s) => new Informer(kube, s, log));
  }
  onChange(fn: (kind: string) => void): void {
    for (const i of this.informers) i.on(() => fn(i.spec.kind));
  }
  async start(): Promise<void> {
    for (const i of this.informers) i.start();
    await Promise.all(this.informers.map((i) => i.synced));
  }
  stop(): void {
    for (const i of this.informers) i.stop();
  }
  /** Every cached object, as the planners' input. */
  objects(): Obj[] {
    return this.informers.flatMap((i) => i.list());
  }
  get(kind: string, namespace: string | undefined, name: string): Obj | undefined {
    return this.informers.find((i) => i.spec.kind === kind)?.get(namespace, name);
  }
}
