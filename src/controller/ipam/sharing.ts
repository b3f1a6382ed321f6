// IP sharing (the allow-shared-ip annotation), pure: Services share an IP only with the same
// sharing key, no port+protocol in common, and compatible externalTrafficPolicy — all Cluster, or
// all Local selecting the same pods (traffic for a Local Service may only reach nodes running its
// pods, so Services on one IP must agree on where those are).
import type { ServiceRequest } from './types.js';

/** What sharing depends on, for one Service holding (or asking for) an IP. */
export interface Holder {
  key: string;
  sharingKey: string | undefined;
  /** The Service's own ports (referenced, not copied: compared only when an IP is shared). */
  ports: readonly { port: number; protocol: string }[];
  etp: 'Cluster' | 'Local';
  /** What the Service selects; compared only when both are Local. */
  backendKey: string;
}

export function holderOf(s: ServiceRequest): Holder {
  return {
    key: s.key,
    sharingKey: s.sharingKey || undefined,
    ports: s.ports,
    etp: s.externalTrafficPolicy === 'Local' ? 'Local' : 'Cluster',
    backendKey: s.backendKey,
  };
}

/** Why `me` may not use `ip`, which `other` holds, or undefined when they may share it. */
export function sharingConflict(ip: string, me: Holder, other: Holder): string | undefined {
  if (me.key === other.key) return undefined;
  if (!me.sharingKey && !other.sharingKey) {
    return `IP ${ip} is already in use by ${other.key} (not shared: Services share an IP only when both have the same allow-shared-ip annotation)`;
  }
  if (me.sharingKey !== other.sharingKey) {
    const show = (k: string | undefined): string => (k ? `"${k}"` : 'none');
    return `IP ${ip} is already in use by ${other.key} (different sharing key: ${show(me.sharingKey)} here, ${show(other.sharingKey)} on ${other.key})`;
  }
  const text = (p: { port: number; protocol: string }): string => `${p.port}/${p.protocol.toUpperCase()}`;
  const theirs = new Set(other.ports.map(text));
  const clash = me.ports.map(text).filter((p) => theirs.has(p));
  if (clash.length > 0) return `IP ${ip} is shared with ${other.key}, which already uses port ${clash.join(', ')}`;
  if (me.etp !== other.etp) {
    return `IP ${ip} is shared with ${other.key}, whose externalTrafficPolicy is ${other.etp}: Services sharing an IP must all use Cluster, or all use Local and select the same pods`;
  }
  if (me.etp === 'Local' && me.backendKey !== other.backendKey) {
    return `IP ${ip} is shared with ${other.key}, which selects other pods: Services sharing an IP with externalTrafficPolicy Local must select the same pods`;
  }
  return undefined;
}
