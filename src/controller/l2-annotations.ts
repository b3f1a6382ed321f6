// (pure) The layer 2 node annotations of a Service (metallb.io/layer2-ipv4-node, -ipv6-node), from
// the ServiceL2Status records the speakers write. The controller writes them because it may patch
// Services and the speakers may not (a node's credentials must not be able to rewrite a Service).
import type { Obj } from '../api/object.js';
import { ingressIPs } from './ipam/allocator-inputs.js';
import { layer2NodeAnnotation, STATUS_SERVICE_NAME_LABEL, STATUS_SERVICE_NAMESPACE_LABEL } from '../api/object-names.js';

const KEYS = [layer2NodeAnnotation('0.0.0.0'), layer2NodeAnnotation('::')];

/** The records about `ns/name`. */
export function recordsFor(records: readonly Obj[], ns: string, name: string): Obj[] {
  return records.filter((r) => r.metadata?.labels?.[STATUS_SERVICE_NAMESPACE_LABEL] === ns && r.metadata?.labels?.[STATUS_SERVICE_NAME_LABEL] === name);
}

/**
 * The merge patch of the annotations (null removes one), empty when they are right. For an IP
 * two records list only while a takeover is under way; the newer record wins.
 */
export function layer2AnnotationPatch(svc: Obj, records: readonly Obj[]): Record<string, string | null> {
  const newestFirst = [...records].sort((a, b) => String(b.metadata?.creationTimestamp ?? '').localeCompare(String(a.metadata?.creationTimestamp ?? '')));
  const want: Record<string, string> = {};
  for (const ip of ingressIPs(svc)) {
    const rec = newestFirst.find((r) => ((r['status'] as { ips?: string[] } | undefined)?.ips ?? []).includes(ip));
    const node = (rec?.['status'] as { node?: string } | undefined)?.node;
    if (node && !want[layer2NodeAnnotation(ip)]) want[layer2NodeAnnotation(ip)] = node;
  }
  const have = svc.metadata?.annotations ?? {};
  const patch: Record<string, string | null> = {};
  for (const key of KEYS) {
    if (want[key] !== undefined && have[key] !== want[key]) patch[key] = want[key];
    else if (want[key] === undefined && have[key] !== undefined) patch[key] = null;
  }
  return patch;
}
