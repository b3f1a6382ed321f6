// Which pools a Service may draw from, and in which order (MetalLB's serviceAllocation rules), pure.
import { formatSelector, matchesAny } from '../../util/selector.js';
import type { LabelSelector } from '../../util/selector.js';
import type { PoolSpec, ServiceRequest } from './types.js';

const list = (sels: readonly LabelSelector[]): string => sels.map((s) => formatSelector(s)).join(' or ');

/**
 * Why `pool` may not serve `s`, or undefined when it may. A namespace restriction holds when
 * `namespaces` or `namespaceSelectors` is set: the Service's namespace must be listed or match one
 * selector (MetalLB resolves both into one set of namespaces). `serviceSelectors`, when set, must
 * have one selector matching the Service's labels. Applies to every way of getting an IP from the
 * pool: auto-assignment, the address-pool annotation and requested IPs.
 */
export function poolDenies(pool: PoolSpec, s: ServiceRequest): string | undefined {
  const sa = pool.serviceAllocation;
  if (!sa) return undefined;
  const names = sa.namespaces ?? [];
  const nsSels = sa.namespaceSelectors ?? [];
  if (names.length + nsSels.length > 0 && !names.includes(s.namespace) && !(nsSels.length > 0 && matchesAny(nsSels, s.namespaceLabels))) {
    const allowed = [names.length ? `namespaces ${names.join(', ')}` : '', nsSels.length ? `namespaces labelled ${list(nsSels)}` : ''].filter(Boolean).join(' and ');
    return `pool "${pool.name}" does not allow namespace "${s.namespace}" (its serviceAllocation allows ${allowed})`;
  }
  const svcSels = sa.serviceSelectors ?? [];
  if (svcSels.length > 0 && !matchesAny(svcSels, s.labels)) {
    return `pool "${pool.name}" does not allow Service ${s.key}: its labels match none of the pool's serviceAllocation.serviceSelectors (${list(svcSels)})`;
  }
  return undefined;
}

/**
 * A pool's priority: lower is tried first. Unset — or 0, Go's zero value, which MetalLB reads as
 * unset — comes last.
 */
export function priorityOf(pool: PoolSpec): number {
  const p = pool.serviceAllocation?.priority;
  return p === undefined || p <= 0 ? Number.POSITIVE_INFINITY : p;
}

/**
 * Auto-assignment order, as MetalLB's: pools with a serviceAllocation (dedicated to the Services
 * it allows) before general pools, then by priority, then by name so the order never depends on
 * the order pools were listed in.
 */
export function comparePools(a: PoolSpec, b: PoolSpec): number {
  const dedicated = (p: PoolSpec): number => (p.serviceAllocation ? 0 : 1);
  const pa = priorityOf(a);
  const pb = priorityOf(b);
  return dedicated(a) - dedicated(b) || (pa === pb ? 0 : pa < pb ? -1 : 1) || compareNames(a.name, b.name);
}

/** Code-point order (locale-independent, so the planner's output never depends on the host). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
