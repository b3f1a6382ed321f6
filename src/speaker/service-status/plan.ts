// What a speaker writes of ServiceL2Status / ServiceBGPStatus (pure): one object per Service this
// node announces, named from (node, Service) so a write is idempotent and a restarted speaker finds
// its own objects again; its objects for Services it no longer announces go, and so does what it
// upstream-style takes over (another node's layer 2 record for IPs this node now answers).
import { createHash } from 'node:crypto';
import type { Obj } from '../../api/object.js';
import { sameContent } from '../../util/canonical.js';
import { STATUS_NODE_LABEL, STATUS_SERVICE_NAME_LABEL, STATUS_SERVICE_NAMESPACE_LABEL } from '../../api/object-names.js';

export type StatusKind = 'ServiceL2Status' | 'ServiceBGPStatus';

/** Status fields beyond node/serviceName/serviceNamespace, which the planner fills in. */
export type StatusFields = Record<string, unknown>;

export interface StatusWrite {
  name: string;
  labels: Record<string, string>;
  status: Record<string, unknown>;
}

export interface StatusPlan {
  writes: StatusWrite[];
  /** Names of objects to delete. */
  deletes: string[];
}

const PREFIX: Record<StatusKind, string> = { ServiceL2Status: 'l2', ServiceBGPStatus: 'bgp' };

/** `l2-<16 hex>`: DNS-safe whatever the node and Service names, and the same on every run. */
export function statusObjectName(kind: StatusKind, node: string, service: string): string {
  return `${PREFIX[kind]}-${createHash('sha256').update(`${node}\n${service}`).digest('hex').slice(0, 16)}`;
}

const serviceOf = (o: Obj): string | undefined => {
  const l = o.metadata?.labels ?? {};
  const ns = l[STATUS_SERVICE_NAMESPACE_LABEL];
  const name = l[STATUS_SERVICE_NAME_LABEL];
  return ns && name ? `${ns}/${name}` : undefined;
};

export interface PlanInput {
  kind: StatusKind;
  node: string;
  /** Service key "ns/name" → this node's fields for it. */
  desired: ReadonlyMap<string, StatusFields>;
  /** Every object of the kind in the namespace (the cache). */
  existing: readonly Obj[];
  /** Whether this node's record for a Service replaces another node's (layer 2 takeover). */
  supersedes?: (mine: StatusFields, theirs: Record<string, unknown>) => boolean;
}

export function planServiceStatuses(p: PlanInput): StatusPlan {
  const writes: StatusWrite[] = [];
  const deletes: string[] = [];
  const byName = new Map(p.existing.map((o) => [o.metadata?.name ?? '', o]));
  const wanted = new Set<string>();
  for (const [service, fields] of p.desired) {
    const [namespace, name] = service.split('/') as [string, string];
    const objName = statusObjectName(p.kind, p.node, service);
    wanted.add(objName);
    const status = { node: p.node, serviceName: name, serviceNamespace: namespace, ...fields };
    const labels = { [STATUS_NODE_LABEL]: p.node, [STATUS_SERVICE_NAME_LABEL]: name, [STATUS_SERVICE_NAMESPACE_LABEL]: namespace };
    const have = byName.get(objName);
    if (!have || !sameContent(pickLabels(have), labels) || !sameContent(have['status'] ?? {}, status)) writes.push({ name: objName, labels, status });
  }
  for (const o of p.existing) {
    const objName = o.metadata?.name ?? '';
    if (wanted.has(objName)) continue;
    const owner = o.metadata?.labels?.[STATUS_NODE_LABEL];
    if (owner === p.node) {
      deletes.push(objName);
      continue;
    }
    const service = serviceOf(o);
    const mine = service === undefined ? undefined : p.desired.get(service);
    if (mine && p.supersedes?.(mine, (o['status'] ?? {}) as Record<string, unknown>)) deletes.push(objName);
  }
  return { writes, deletes: deletes.sort() };
}

function pickLabels(o: Obj): Record<string, string | undefined> {
  const l = o.metadata?.labels ?? {};
  return {
    [STATUS_NODE_LABEL]: l[STATUS_NODE_LABEL],
    [STATUS_SERVICE_NAME_LABEL]: l[STATUS_SERVICE_NAME_LABEL],
    [STATUS_SERVICE_NAMESPACE_LABEL]: l[STATUS_SERVICE_NAMESPACE_LABEL],
  };
}

/** Layer 2: another node's record goes once this node answers every IP it lists (or it lists none). */
export function l2Supersedes(mine: StatusFields, theirs: Record<string, unknown>): boolean {
  const my = new Set((mine['ips'] as string[] | undefined) ?? []);
  const their = (theirs['ips'] as string[] | undefined) ?? [];
  return their.every((ip) => my.has(ip));
}
