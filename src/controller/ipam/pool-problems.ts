// Cross-object problems with pools that the CRD schema cannot see: entries that do not parse
// (host bits set, reversed ranges, ...), the same name used by an IPAddressPool and an
// AddressPool, and pools that overlap (pure).
import type { Obj } from '../../api/object.js';
import { findOverlaps, tryParseRange } from '../../net/range.js';
import type { IPRange } from '../../net/range.js';
import { compareNames } from './pool-policy.js';

export interface PoolProblem {
  pool?: string;
  message: string;
}

export function poolProblems(objects: readonly Obj[]): PoolProblem[] {
  const pools = objects.filter((o) => o.kind === 'IPAddressPool' || o.kind === 'AddressPool');
  const out: PoolProblem[] = [];
  const parsed: { name: string; entry: string; range: IPRange }[] = [];
  const seen = new Map<string, string>();
  for (const p of pools) {
    const name = p.metadata?.name ?? '';
    const prev = seen.get(name);
    if (prev) out.push({ pool: name, message: `${p.kind} "${name}" has the same name as an ${prev}; only one of them is used` });
    seen.set(name, p.kind ?? '');
    for (const entry of ((p['spec'] as { addresses?: string[] } | undefined)?.addresses ?? [])) {
      const r = tryParseRange(entry);
      if (!r.ok) out.push({ pool: name, message: `pool "${name}" has an unusable address: ${r.error}` });
      else parsed.push({ name, entry, range: r.range });
    }
  }
  const reported = new Set<string>();
  for (const [x, y] of findOverlaps(parsed)) {
    if (x.name === y.name) continue; // entries of one pool may overlap: they are merged
    // Reported on the pool later by name, once per pair of entries.
    const [a, b] = compareNames(x.name, y.name) <= 0 ? [x, y] : [y, x];
    const message = `pool "${b.name}" (${b.entry}) overlaps pool "${a.name}" (${a.entry}); an address in both is handed out only once`;
    if (reported.has(message)) continue;
    reported.add(message);
    out.push({ pool: b.name, message });
  }
  return out;
}
