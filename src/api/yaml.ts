// Reading and writing the YAML users write: multi-document files, lists, stable output.
import yaml from 'js-yaml';
import { readFileSync } from 'node:fs';
import { ValidationError } from '../util/errors.js';
import type { Obj } from './object.js';


/** Every object in a YAML text; `kind: List` items are flattened; empty documents skipped. */
export function parseObjects(text: string, source = '<input>'): Obj[] {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text);
  } catch (err) {
    throw new ValidationError(`${source}: not valid YAML: ${(err as Error).message.split('\n')[0]}`, undefined, { cause: err });
  }
  const out: Obj[] = [];
  docs.forEach((doc, i) => {
    if (doc === null || doc === undefined) return;
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new ValidationError(`${source}: document ${i + 1} is not a Kubernetes object`);
    const obj = doc as Obj;
    if (obj.kind === 'List' && Array.isArray(obj['items'])) out.push(...(obj['items'] as Obj[]));
    else out.push(obj);
  });
  return out;
}

export function readObjects(files: readonly string[]): Obj[] {
  return files.flatMap((f) => parseObjects(readFileSync(f === '-' ? 0 : f, 'utf8'), f === '-' ? '<stdin>' : f));
}

/** Deterministic YAML for generated files and command output. */
export function toYaml(value: unknown): string {
  return yaml.dump(value, { noRefs: true, lineWidth: -1, sortKeys: false, quotingType: '"' });
}

export function toYamlDocuments(values: readonly unknown[]): string {
  return values.map((v) => `---\n${toYaml(v)}`).join('');
}
