// Loading templates/ (the only I/O of rendering): every YAML document, keyed by kind and name.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseObjects } from '../api/yaml.js';
import type { Obj } from '../k8s/client.js';
import { repoRoot } from '../util/golden.js';

export interface Templates {
  /** Every template object, in file-name then document order. */
  objects: readonly Obj[];
}

export function defaultTemplatesDir(): string {
  return process.env['METALLB_TEMPLATES'] ?? join(repoRoot(), 'templates');
}

export function loadTemplates(dir = defaultTemplatesDir()): Templates {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  return { objects: files.flatMap((f) => parseObjects(readFileSync(join(dir, f), 'utf8'), f) as Obj[]) };
}

export function findTemplate(t: Templates, kind: string, name: string): Obj {
  const o = t.objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`templates: no ${kind} named "${name}"`);
  return structuredClone(o);
}
