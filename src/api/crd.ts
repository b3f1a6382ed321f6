// KindDef → apiextensions.k8s.io/v1 CustomResourceDefinition. config/crd/bases is generated from
// this (`metallb generate-crds`), and a test fails when the committed files differ.
import { GROUP } from './kind.js';
import type { KindDef, VersionDef } from './kind.js';
import type { JSONSchema } from './schema.js';

function versionSchema(def: KindDef, v: VersionDef): JSONSchema {
  const properties: Record<string, JSONSchema> = {
    apiVersion: { type: 'string', description: 'The versioned schema of this representation of an object.' },
    kind: { type: 'string', description: 'The REST resource this object represents.' },
    metadata: { type: 'object' },
    spec: v.spec.toJSON(),
  };
  if (v.status) properties['status'] = v.status.toJSON();
  const schema: JSONSchema = { description: def.description, type: 'object', properties };
  if (v.specRequired) schema['required'] = ['spec'];
  return schema;
}

function version(def: KindDef, v: VersionDef): JSONSchema {
  const out: JSONSchema = { name: v.name, served: v.served, storage: v.storage };
  if (v.deprecationWarning) {
    out['deprecated'] = true;
    out['deprecationWarning'] = v.deprecationWarning;
  }
  out['schema'] = { openAPIV3Schema: versionSchema(def, v) };
  if (v.status) out['subresources'] = { status: {} };
  if (v.printerColumns.length > 0) out['additionalPrinterColumns'] = v.printerColumns.map((c) => ({ ...c }));
  return out;
}

export function crdName(def: KindDef): string {
  return `${def.plural}.${GROUP}`;
}

export function toCRD(def: KindDef): JSONSchema {
  const names: JSONSchema = { kind: def.kind, listKind: `${def.kind}List`, plural: def.plural, singular: def.singular, categories: ['metallb-all'] };
  if (def.shortNames) names['shortNames'] = def.shortNames;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: crdName(def), labels: { 'app.kubernetes.io/part-of': 'metallb-operator' } },
    spec: {
      group: GROUP,
      names,
      scope: 'Namespaced',
      // All served versions share one structural shape (older ones are subsets), so the apiserver
      // converts by rewriting apiVersion: no webhook to deploy, secure or keep available.
      conversion: { strategy: 'None' },
      versions: def.versions.map((v) => version(def, v)),
    },
  };
}

/** The file name under config/crd/bases, kubebuilder style. */
export function crdFileName(def: KindDef): string {
  return `${GROUP}_${def.plural}.yaml`;
}
