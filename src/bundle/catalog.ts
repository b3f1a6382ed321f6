// The file-based catalog (pure): one package `metallb-operator`, channel `stable` (what seed 002's
// Subscription asks for), and the bundle, described the way `opm render` describes a bundle image
// (olm.package and olm.gvk properties, olm.csv.metadata for the console, relatedImages), so a
// CatalogSource serving it resolves the Subscription without unpacking anything first.
import type { Bundle } from './csv.js';
import { CHANNEL, PACKAGE, SKIP_RANGE } from './csv.js';
import { scalarText } from '../util/scalar-text.js';

type Doc = Record<string, unknown>;

/** A channel entry: what it replaces and, from its CSV's olm.skipRange, which older versions it skips. */
const channelEntry = (name: string, replaces: string | undefined, skipRange: string | undefined): Doc => ({
  name,
  ...(replaces ? { replaces } : {}),
  ...(skipRange ? { skipRange } : {}),
});

/** The olm.skipRange a bundle document's CSV metadata carries. */
const skipRangeOfBundle = (d: Doc): string | undefined =>
  ((d['properties'] as { type: string; value: { annotations?: Record<string, string> } }[] | undefined) ?? []).find((p) => p.type === 'olm.csv.metadata')?.value.annotations?.[SKIP_RANGE];

/**
 * The catalog for `b`; with `previous` (the olm.bundle documents of the versions it upgrades, from
 * an earlier catalog), the channel lists them first and `b`'s entry replaces the last of them.
 */
export function catalogDocuments(b: Bundle, image: string, icon: string, previous: readonly Doc[] = []): Doc[] {
  const csv = b.csv as { metadata: { name: string; annotations: Record<string, string> }; spec: Record<string, unknown> };
  const spec = csv.spec;
  const gvks = b.crds.flatMap((crd) => {
    const s = crd['spec'] as { group: string; names: { kind: string }; versions: { name: string; served: boolean }[] };
    return s.versions.filter((v) => v.served).map((v) => ({ group: s.group, kind: s.names.kind, version: v.name }));
  });
  const related = (spec['relatedImages'] as { name: string; image: string }[]).map((r) => ({ name: r.name, image: r.image }));
  const owned = (spec['customresourcedefinitions'] as { owned: unknown[] }).owned;
  const metadata = {
    annotations: csv.metadata.annotations,
    apiServiceDefinitions: {},
    crdDescriptions: { owned },
    description: spec['description'],
    displayName: spec['displayName'],
    installModes: spec['installModes'],
    keywords: spec['keywords'],
    links: spec['links'],
    maintainers: spec['maintainers'],
    maturity: spec['maturity'],
    minKubeVersion: spec['minKubeVersion'],
    provider: spec['provider'],
  };
  return [
    { schema: 'olm.package', name: PACKAGE, defaultChannel: CHANNEL, icon: { base64data: Buffer.from(icon).toString('base64'), mediatype: 'image/svg+xml' }, description: scalarText(spec['description']) },
    { schema: 'olm.channel', package: PACKAGE, name: CHANNEL, entries: [...previous.map((d, i) => channelEntry(String(d['name']), i > 0 ? String(previous[i - 1]!['name']) : undefined, skipRangeOfBundle(d))), channelEntry(csv.metadata.name, typeof spec['replaces'] === 'string' ? spec['replaces'] : undefined, csv.metadata.annotations[SKIP_RANGE])] },
    ...previous,
    {
      schema: 'olm.bundle',
      name: csv.metadata.name,
      package: PACKAGE,
      image,
      properties: [
        ...gvks.map((value) => ({ type: 'olm.gvk', value })),
        { type: 'olm.package', value: { packageName: PACKAGE, version: spec['version'] } },
        { type: 'olm.csv.metadata', value: metadata },
      ],
      relatedImages: [{ name: '', image }, ...related],
    },
  ];
}
