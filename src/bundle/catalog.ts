// The file-based catalog (pure): one package `metallb-operator`, channel `stable` (what seed 002's
// Subscription asks for), and the bundle, described the way `opm render` describes a bundle image
// (olm.package and olm.gvk properties, olm.csv.metadata for the console, relatedImages), so a
// CatalogSource serving it resolves the Subscription without unpacking anything first.
import type { Bundle } from './csv.js';
import { CHANNEL, PACKAGE } from './csv.js';

type Doc = Record<string, unknown>;

export function catalogDocuments(b: Bundle, image: string, icon: string): Doc[] {
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
    { schema: 'olm.package', name: PACKAGE, defaultChannel: CHANNEL, icon: { base64data: Buffer.from(icon).toString('base64'), mediatype: 'image/svg+xml' }, description: String(spec['description'] ?? '') },
    { schema: 'olm.channel', package: PACKAGE, name: CHANNEL, entries: [{ name: csv.metadata.name }] },
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
