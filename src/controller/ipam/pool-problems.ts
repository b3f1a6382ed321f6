// Cross-object problems with pools that the CRD schema cannot see: reversed ranges, the same name
// used by an IPAddressPool and an AddressPool, and pools that overlap (pure).
import type { KubeObject } from '../../api/yaml.js';
import { parseRange, rangesOverlap } from '../../net/range.js';
import type { IPRange } from '../../net/range.js';

export interface PoolProblem {
  pool?: string;
  message: string;
}

export function poolProblems(objects: readonly KubeObject[]): PoolProblem[] {
  const pools = objects.filter((o) => o.kind === 'IPAddressPool' || o.kind === 'AddressPool');
  const out: PoolProblem[] = [];
  const parsed: { name: string; entry: string; range: IPRange }[] = [];
  const seen = new Map<string, string>();
  for (const p of pools) {
    const name = p.metadata?.name ?? '';
    const prev = seen.get(name);
    if (prev) out.push({ pool: name, message: `${p.kind} "${name}" has the same name as a ${prev}; only one of them is used` });
    seen.set(name, p.kind ?? '');
    for (const entry of ((p['spec'] as { addresses?: string[] } | undefined)?.addresses ?? [])) {
      const range = parseRange(entry);
      if (!range) out.push({ pool: name, message: `address "${entry}" of pool "${name}" is not usable (a range must go from the lower to the higher address)` });
      else parsed.push({ name, entry, range });
    }
  }
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      const a = parsed[i]!;
      const b = parsed[j]!;
      if (a.name !== b.name && rangesOverlap(a.range, b.range)) {
        out.push({ pool: b.name, message: `pool "${b.name}" (${b.entry}) overlaps pool "${a.name}" (${a.entry}); an IP in both is handed out by the first pool by name` });
      }
    }
  }
  return out;
}
