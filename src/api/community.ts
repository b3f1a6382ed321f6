// Community: named aliases for BGP communities, usable in BGPAdvertisement.spec.communities.
import { s } from './s.js';
import type { Infer } from './schema-compound.js';
import type { KindDef } from './kind.js';
import type { Resource } from './common.js';
import { communityValueRules, COMMUNITY_VALUE_PATTERN, ALIAS_PATTERN } from './community-syntax.js';

const value = s.str({
  description: 'A standard community "65000:100" or a large community "large:65000:1:2"',
  pattern: COMMUNITY_VALUE_PATTERN,
  patternHint: 'must be "ASN:VALUE" (each 0-65535) or "large:ASN:A:B" (each 0-4294967295)',
  maxLength: 48,
});
for (const r of communityValueRules) value.rule(r);

export const communitySpec = s.obj({
  communities: s.arr(
    s.obj(
      {
        name: s.str({ description: 'The alias used in BGPAdvertisements', pattern: ALIAS_PATTERN, patternHint: 'must start with a letter and hold only letters, digits, ".", "_" or "-"', maxLength: 63 }),
        value,
      },
      { required: ['name', 'value'] },
    ),
    { maxItems: 256 },
  ),
});
export type CommunitySpec = Infer<typeof communitySpec>;
export type Community = Resource<'Community', CommunitySpec>;

export const communityKind: KindDef = {
  kind: 'Community',
  plural: 'communities',
  singular: 'community',
  description: 'Community defines aliases for BGP communities.',
  versions: [{ name: 'v1beta1', served: true, storage: true, spec: communitySpec, printerColumns: [] }],
};
