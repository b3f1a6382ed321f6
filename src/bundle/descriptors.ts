// The CSV's owned-CRD entries (pure): display names, descriptions and spec/status descriptors,
// read from the CRDs' OpenAPI schemas (themselves generated from src/api), so the console shows
// the same words `kubectl explain` does and nothing is written twice.
import type { JSONSchema } from '../api/schema.js';
import { scalarText } from '../util/scalar-text.js';

export interface Descriptor {
  path: string;
  displayName: string;
  description?: string;
  'x-descriptors'?: string[];
}

export interface OwnedCRD {
  name: string;
  version: string;
  kind: string;
  displayName: string;
  description: string;
  resources?: { kind: string; name: string; version: string }[];
  specDescriptors: Descriptor[];
  statusDescriptors: Descriptor[];
}

const UI = 'urn:alm:descriptor:com.tectonic.ui';

/** "ipAddressPools" → "IP Address Pools", "myASN" → "My ASN", "bfdProfile" → "BFD Profile". */
export function displayName(field: string): string {
  const words = field
    .replace(/IPs/g, 'Ips') // one word, not "I Ps"
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(' ');
  const upper = new Set(['ip', 'ips', 'asn', 'bfd', 'bgp', 'ebgp', 'ttl', 'id', 'vrf', 'lb']);
  return words
    .map((w) => (upper.has(w.toLowerCase()) ? (w.toLowerCase() === 'ips' ? 'IPs' : w.toUpperCase()) : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');
}

/** A kind's display name: "IPAddressPool" → "IP Address Pool", "BGPPeer" → "BGP Peer". */
export function kindDisplayName(kind: string): string {
  return kind === 'MetalLB' ? 'MetalLB' : displayName(kind);
}

function xDescriptors(field: string, s: JSONSchema): string[] | undefined {
  if (field === 'conditions') return ['urn:alm:descriptor:io.kubernetes.conditions'];
  if (field.endsWith('Tolerations')) return ['urn:alm:descriptor:io.kubernetes:Tolerations'];
  if (field === 'resources') return [`${UI}:resourceRequirements`];
  if (field.endsWith('nodeSelector') || field.endsWith('NodeSelector')) return [`${UI}:selector:core:v1:Node`];
  if (field.toLowerCase().includes('password')) return [`${UI}:password`];
  const type = s['type'];
  const e = s['enum'] as unknown[] | undefined;
  if (Array.isArray(e) && e.every((v) => typeof v === 'string')) return (e).map((v) => `${UI}:select:${v}`);
  if (type === 'boolean') return [`${UI}:booleanSwitch`];
  if (type === 'integer' || type === 'number') return [`${UI}:number`];
  if (type === 'string') return [`${UI}:text`];
  if (type === 'object' || type === 'array') return [`${UI}:advanced`];
  return undefined;
}

/** One descriptor per top-level field of a spec or status schema, in schema order. */
export function descriptorsOf(schema: JSONSchema | undefined): Descriptor[] {
  const props = (schema?.['properties'] ?? {}) as Record<string, JSONSchema>;
  return Object.entries(props).map(([field, s]) => {
    const d: Descriptor = { path: field, displayName: displayName(field) };
    const description = s['description'];
    if (typeof description === 'string' && description) d.description = description;
    const x = xDescriptors(field, s);
    if (x) d['x-descriptors'] = x;
    return d;
  });
}

/** What the operator creates for a MetalLB (the console's "resources" tab). */
const METALLB_RESOURCES = [
  { kind: 'Deployment', name: 'controller', version: 'v1' },
  { kind: 'DaemonSet', name: 'speaker', version: 'v1' },
  { kind: 'ConfigMap', name: 'frr-startup', version: 'v1' },
  { kind: 'ServiceAccount', name: 'controller', version: 'v1' },
  { kind: 'ServiceAccount', name: 'speaker', version: 'v1' },
];

/** One owned entry per served version of each CRD, in CRD then version order. */
export function ownedCRDs(crds: readonly JSONSchema[]): OwnedCRD[] {
  const out: OwnedCRD[] = [];
  for (const crd of crds) {
    const spec = crd['spec'] as { names: { kind: string }; versions: { name: string; served: boolean; schema: { openAPIV3Schema: JSONSchema } }[] };
    const name = (crd['metadata'] as { name: string }).name;
    for (const v of spec.versions.filter((x) => x.served)) {
      const root = v.schema.openAPIV3Schema;
      const props = (root['properties'] ?? {}) as Record<string, JSONSchema>;
      const entry: OwnedCRD = {
        name,
        version: v.name,
        kind: spec.names.kind,
        displayName: kindDisplayName(spec.names.kind),
        description: scalarText(root['description']),
        specDescriptors: descriptorsOf(props['spec']),
        statusDescriptors: descriptorsOf(props['status']),
      };
      if (spec.names.kind === 'MetalLB') entry.resources = METALLB_RESOURCES;
      out.push(entry);
    }
  }
  return out;
}
