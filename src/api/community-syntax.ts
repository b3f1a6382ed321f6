// BGP community syntax, shared by Community values and BGPAdvertisement.spec.communities.
import type { Rule } from './schema.js';

/** Standard "A:B", large "large:A:B:C", or an alias / well-known name ("no-export"). */
export const COMMUNITY_PATTERN = '^([0-9]{1,5}:[0-9]{1,5}|large:[0-9]{1,10}:[0-9]{1,10}:[0-9]{1,10}|[A-Za-z][A-Za-z0-9._-]{0,62})$';
export const COMMUNITY_VALUE_PATTERN = '^([0-9]{1,5}:[0-9]{1,5}|large:[0-9]{1,10}:[0-9]{1,10}:[0-9]{1,10})$';
export const ALIAS_PATTERN = '^[A-Za-z][A-Za-z0-9._-]{0,62}$';

const fitsIn = (parts: string[], max: number): boolean => parts.every((p) => Number(p) <= max);

export const communityValueRules: Rule<string>[] = [
  {
    rule: "!self.matches('^[0-9]+:[0-9]+$') || self.split(':').all(p, int(p) <= 65535)",
    message: 'a standard community is two 16-bit numbers: each part must be 0-65535',
    check: (v) => !/^[0-9]+:[0-9]+$/.test(v) || fitsIn(v.split(':'), 65535),
  },
  {
    rule: "!self.startsWith('large:') || self.substring(6).split(':').all(p, int(p) <= 4294967295)",
    message: 'a large community is three 32-bit numbers: each part must be 0-4294967295',
    check: (v) => !v.startsWith('large:') || fitsIn(v.slice(6).split(':'), 4294967295),
  },
];
