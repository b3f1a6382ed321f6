// Loading templates/ (the only I/O of rendering): every YAML document of every *.yaml file, in
// file-name then document order. The renderer looks objects up by kind and name.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseObjects } from '../api/yaml.js';
import type { Obj } from '../k8s/client.js';
import { repoRoot } from '../util/repo-root.js';

export interface Templates {
  /** Every template object, in file-name then document order. */
  readonly objects: readonly Obj[];
}

/** $METALLB_TEMPLATES, else templates/ at the root of the installed tree. */
export function defaultTemplatesDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['METALLB_TEMPLATES'] || join(repoRoot(), 'templates');
}

export function loadTemplates(dir: string = defaultTemplatesDir()): Templates {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  const objects = files.flatMap((f) => parseObjects(readFileSync(join(dir, f), 'utf8'), join(dir, f)));
  const seen = new Set<string>();
  for (const o of objects) {
    const key = `${o.kind ?? ''}/${o.metadata?.name ?? ''}`;
    if (!o.kind || !o.metadata?.name) throw new Error(`templates in ${dir}: an object without kind or metadata.name`);
    if (seen.has(key)) throw new Error(`templates in ${dir}: ${key} is defined twice`);
    seen.add(key);
  }
  return { objects };
}

/** A private copy of one template object (the renderer edits it). */
export function findTemplate(t: Templates, kind: string, name: string): Obj {
  const o = t.objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`templates: no ${kind} named "${name}"`);
  return structuredClone(o);
}
