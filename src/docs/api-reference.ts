// docs/reference/api.md (pure): every field of every metallb.io kind and version, with its type,
// constraints and description, read from the CRDs that src/api generates, so the reference
// cannot drift from what kubectl enforces. `metallb generate-crds` writes it beside the CRDs;
// its --check (and a unit test) fails when the committed file differs.
import type { KindDef } from '../api/kind.js';
import type { JSONSchema } from '../api/schema.js';
import { toCRD } from '../api/crd.js';
import { scalarText } from '../util/scalar-text.js';

interface Row {
  path: string;
  type: string;
  required: boolean;
  description: string;
  constraints: string[];
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

function typeOf(s: JSONSchema): string {
  if (s['x-kubernetes-int-or-string']) return 'integer or string';
  if (s['x-kubernetes-preserve-unknown-fields'] && !s['properties']) return 'object (free-form)';
  const t = s['type'] as string | undefined;
  if (t === 'array') return `[]${typeOf((s['items'] ?? {}) as JSONSchema)}`;
  if (t === 'object' && s['additionalProperties'] && !s['properties']) return `map[string]${typeOf(s['additionalProperties'] as JSONSchema)}`;
  return t ?? 'any';
}

function constraintsOf(s: JSONSchema): string[] {
  const out: string[] = [];
  if (Array.isArray(s['enum'])) out.push(`one of ${(s['enum'] as unknown[]).map((v) => code(String(v))).join(', ')}`);
  if (s['default'] !== undefined) out.push(`default ${code(JSON.stringify(s['default']))}`);
  if (s['minimum'] !== undefined || s['maximum'] !== undefined) out.push(`${scalarText(s['minimum'], '…')}–${scalarText(s['maximum'], '…')}`);
  if (s['minLength'] !== undefined) out.push(`at least ${scalarText(s['minLength'])} characters`);
  if (s['maxLength'] !== undefined) out.push(`at most ${scalarText(s['maxLength'])} characters`);
  if (s['minItems'] !== undefined) out.push(`at least ${scalarText(s['minItems'])} items`);
  if (s['maxItems'] !== undefined) out.push(`at most ${scalarText(s['maxItems'])} items`);
  if (typeof s['pattern'] === 'string') out.push(`matches ${code(s['pattern'])}`);
  if (typeof s['format'] === 'string' && s['format'] !== 'int64' && s['format'] !== 'int32') out.push(`format ${s['format']}`);
  for (const v of (s['x-kubernetes-validations'] ?? []) as { message?: string; rule: string }[]) out.push(v.message ?? `rule ${code(v.rule)}`);
  return out;
}

function walk(s: JSONSchema, path: string, required: boolean, rows: Row[]): void {
  rows.push({ path, type: typeOf(s), required, description: scalarText(s['description']), constraints: constraintsOf(s) });
  const t = s['type'];
  const target = t === 'array' ? ((s['items'] ?? {}) as JSONSchema) : t === 'object' && s['additionalProperties'] && !s['properties'] ? (s['additionalProperties'] as JSONSchema) : s;
  const suffix = t === 'array' ? '[]' : target === s ? '' : '.*';
  if (target !== s) {
    for (const c of constraintsOf(target)) rows[rows.length - 1]!.constraints.push(`each: ${c}`);
    // An element's own description is where a rule only the webhook checks is said (src/api/schema.ts).
    if (typeof target['description'] === 'string' && !target['properties']) rows[rows.length - 1]!.constraints.push(`each: ${target['description']}`);
  }
  const props = (target['properties'] ?? {}) as Record<string, JSONSchema>;
  const req = new Set((target['required'] ?? []) as string[]);
  for (const [name, child] of Object.entries(props)) walk(child, `${path}${suffix}.${name}`, req.has(name), rows);
}

interface VersionDef {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema: { openAPIV3Schema: JSONSchema };
}

function versionSection(def: KindDef, v: VersionDef): string {
  const props = (v.schema.openAPIV3Schema['properties'] ?? {}) as Record<string, JSONSchema>;
  const rows: Row[] = [];
  const required = new Set((v.schema.openAPIV3Schema['required'] ?? []) as string[]);
  for (const top of ['spec', 'status']) if (props[top]) walk(props[top], top, required.has(top), rows);
  const flags = [v.storage ? 'stored' : 'served', ...(v.deprecated ? ['deprecated'] : [])].join(', ');
  const lines = [`### ${def.kind} ${v.name} (${flags})`, ''];
  if (v.deprecationWarning) lines.push(`> ${v.deprecationWarning}`, '');
  lines.push('| field | type | description | constraints |', '| --- | --- | --- | --- |');
  for (const r of rows) lines.push(`| ${code(r.path)}${r.required ? ' (required)' : ''} | ${cell(r.type)} | ${cell(r.description)} | ${cell(r.constraints.join('; '))} |`);
  return lines.join('\n');
}

/** What a user must know about a kind that no single field says. */
const NOTES: Record<string, string> = {
  BGPPeer:
    'v1beta1 and v1beta2 share every field v1beta1 has, with the same shapes (docs/adr/0017). Read through v1beta1, the fields only v1beta2 has travel as JSON in the annotation `metallb.io/v1beta2-fields`, so a full replace (`kubectl replace`, `kubectl edit`, GET+PUT) through v1beta1 keeps them; the conversion webhook served by the controller does this once the operator has switched the CRD to it (until the controller first serves, the CRD converts with strategy None and such a replace drops them). A peer using `interface` or `dynamicASN` cannot be edited through v1beta1 (v1beta1 requires peerAddress and peerASN): the write is refused, nothing is lost.',
  AddressPool: 'Deprecated: use IPAddressPool with a BGPAdvertisement or L2Advertisement. Still served and honoured, so the seeds\' AddressPools keep working.',
  MetalLB: 'Only the one named `metallb` in the operator namespace is reconciled; any other gets a Degraded condition saying what to rename or move. While a MetalLB ≤ 0.12 `config` ConfigMap exists in the operator namespace, a `LegacyConfigMap` condition names the `metallb convert-configmap` command that replaces it.',
};

export function apiReference(kinds: readonly KindDef[]): string {
  const parts = [
    '<!-- Generated by `metallb generate-crds` from src/api; do not edit. -->',
    '# Configuration reference: metallb.io',
    '',
    'Every field of every kind, as the CRDs define it (`kubectl explain <kind>.spec` shows the same descriptions). Constraints are enforced by the apiserver when you apply, and by `metallb validate` offline. `spec` fields of objects in lists are written `field[].child`; map values `field.*`.',
    '',
    ...kinds.map((k) => `- [${k.kind}](#${k.kind.toLowerCase()})`),
    '',
  ];
  for (const def of kinds) {
    const crd = toCRD(def) as { spec: { versions: Parameters<typeof versionSection>[1][] } };
    parts.push(`## ${def.kind}`, '', def.description, '');
    if (NOTES[def.kind]) parts.push(NOTES[def.kind]!, '');
    for (const v of crd.spec.versions) parts.push(versionSection(def, v), '');
  }
  return `${parts.join('\n').trimEnd()}\n`;
}
