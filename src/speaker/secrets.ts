// The BGP password Secrets, watched one by one: the speaker's Role names exactly the Secrets that
// BGPPeers reference (rendered by the operator), so it cannot list the namespace and it never
// holds another Secret. Each watch keeps only the Secret's type and its "password" key.
import { Informer } from '../k8s/informer.js';
import type { Kube, Obj } from '../k8s/client.js';
import type { Logger } from '../util/log.js';
import { passwordSecretNames } from '../api/bgppeer.js';

/** What is kept of a Secret: identity, type and data.password (the API server never returns stringData). */
export function projectSecret(o: Obj): Obj {
  const m = o.metadata ?? {};
  const password = (o['data'] as Record<string, unknown> | undefined)?.['password'];
  return {
    apiVersion: o.apiVersion, kind: o.kind,
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion },
    type: o['type'],
    ...(typeof password === 'string' ? { data: { password } } : {}),
  };
}

export class ReferencedSecrets {
  private readonly watches = new Map<string, Informer>();

  constructor(
    private readonly kube: Kube,
    private readonly namespace: string,
    private readonly log: Logger,
    private readonly onChange: () => void,
  ) {}

  /** Watches exactly the Secrets these BGPPeers name; returns when every new watch has listed (or `waitMs` passed). */
  async follow(peers: readonly Obj[], waitMs = 0): Promise<void> {
    const want = new Set(passwordSecretNames(peers, this.namespace));
    for (const [name, inf] of this.watches) {
      if (want.has(name)) continue;
      inf.stop();
      this.watches.delete(name);
      this.onChange(); // its password is gone from the snapshot
    }
    const started: Informer[] = [];
    for (const name of want) {
      if (this.watches.has(name)) continue;
      // A Secret the Role does not name yet (the operator re-renders it after the BGPPeer
      // changed) answers 403: the informer retries with backoff until it may read it.
      const inf = new Informer(this.kube, { apiVersion: 'v1', kind: 'Secret', namespace: this.namespace, fieldSelector: `metadata.name=${name}`, project: projectSecret }, this.log);
      inf.on(() => this.onChange());
      this.watches.set(name, inf);
      inf.start();
      started.push(inf);
    }
    if (waitMs > 0 && started.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(started.map((i) => i.synced)), new Promise((r) => (timer = setTimeout(r, waitMs)))]);
      clearTimeout(timer);
    }
  }

  objects(): Obj[] {
    return [...this.watches.values()].flatMap((i) => i.list());
  }

  stop(): void {
    for (const i of this.watches.values()) i.stop();
    this.watches.clear();
  }
}
