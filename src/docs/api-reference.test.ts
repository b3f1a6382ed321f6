import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiReference } from './api-reference.js';
import { KINDS } from '../api/registry.js';
import { toCRD } from '../api/crd.js';
import { repoRoot } from '../util/repo-root.js';
import type { JSONSchema } from '../api/schema.js';

const committed = (): string => readFileSync(join(repoRoot(), 'docs/reference/api.md'), 'utf8');

test("docs/reference/api.md is what src/api generates (run 'make generate' after changing the API)", () => {
  assert.equal(committed(), apiReference(KINDS));
});

test('every spec field of every served version has a row', () => {
  const doc = committed();
  const paths = (s: JSONSchema, path: string): string[] => {
    const t = s['type'];
    const target = (t === 'array' ? s['items'] : s) as JSONSchema;
    const sep = t === 'array' ? '[]' : '';
    return [path, ...Object.entries((target?.['properties'] ?? {}) as Record<string, JSONSchema>).flatMap(([n, c]) => paths(c, `${path}${sep}.${n}`))];
  };
  for (const def of KINDS) {
    for (const v of (toCRD(def)['spec'] as { versions: { name: string; schema: { openAPIV3Schema: { properties: { spec: JSONSchema } } } }[] }).versions) {
      const section = doc.slice(doc.indexOf(`### ${def.kind} ${v.name} `));
      for (const p of paths(v.schema.openAPIV3Schema.properties.spec, 'spec')) assert.ok(section.includes(`| \`${p}\``), `${def.kind} ${v.name}: ${p}`);
    }
  }
});
