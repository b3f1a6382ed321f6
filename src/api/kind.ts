// What a metallb.io kind is made of. The CRD (crd.ts), the offline validator (validate.ts) and the
// TypeScript types all read these definitions; nothing else describes the API.
import type { ObjSchema } from './schema-compound.js';

export const GROUP = 'metallb.io';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyObjSchema = ObjSchema<any, any>;

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'boolean' | 'date' | 'number';
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface VersionDef {
  name: string;
  served: boolean;
  storage: boolean;
  deprecationWarning?: string;
  spec: AnyObjSchema;
  /** Whether the object must have a spec (false for kinds whose empty spec means "all defaults"). */
  specRequired?: boolean;
  status?: AnyObjSchema;
  printerColumns: PrinterColumn[];
}

export interface KindDef {
  kind: string;
  plural: string;
  singular: string;
  shortNames?: string[];
  description: string;
  versions: VersionDef[];
}

export function servedVersion(def: KindDef, version: string): VersionDef | undefined {
  return def.versions.find((v) => v.name === version && v.served);
}

export function storageVersion(def: KindDef): VersionDef {
  const v = def.versions.find((x) => x.storage);
  if (!v) throw new Error(`kind ${def.kind} has no storage version`);
  return v;
}
