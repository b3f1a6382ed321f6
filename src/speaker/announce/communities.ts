// Community strings from advertisements → what FRR sets: aliases resolved through Community
// objects, large communities split from standard ones (pure).
import type { Community } from '../../api/community.js';
import { WELL_KNOWN_COMMUNITY_NAMES } from '../frr/community.js';

export interface ResolvedCommunities {
  standard: string[];
  large: string[];
  errors: string[];
}

export function resolveCommunities(values: readonly string[], aliases: readonly Community[], source: string): ResolvedCommunities {
  const table = new Map<string, string>();
  for (const c of aliases) for (const e of c.spec?.communities ?? []) table.set(e.name, e.value);
  const out: ResolvedCommunities = { standard: [], large: [], errors: [] };
  for (const raw of values) {
    const v = table.get(raw) ?? raw;
    if (v.startsWith('large:')) out.large.push(v.slice('large:'.length));
    else if (/^\d+:\d+$/.test(v) || WELL_KNOWN_COMMUNITY_NAMES.includes(v)) out.standard.push(v);
    else out.errors.push(`${source}: community "${raw}" is neither "ASN:VALUE", "large:A:B:C", a well-known name, nor a Community alias`);
  }
  return out;
}
