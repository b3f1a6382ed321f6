// Offline validation of metallb.io objects with the same schema the CRDs carry: used by the offline
// commands (plan, render-frr, lab apply) so a mistake is reported before anything runs.
import { GROUP, servedVersion } from './kind.js';
import { kindByName } from './registry.js';
import type { Problem } from './schema.js';
import type { Obj } from './object.js';

export interface Validated {
  object: Obj;
  /** The object with schema defaults applied, as the apiserver would store it. */
  defaulted: Obj;
  problems: Problem[];
}

export function isMetalLBObject(obj: Obj): boolean {
  return typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith(`${GROUP}/`);
}

/** Validates one metallb.io object; problems name the field as kubectl would (spec.holdTime). */
export function validateObject(obj: Obj): Validated {
  const problems: Problem[] = [];
  const [group, version = ''] = (obj.apiVersion ?? '').split('/');
  const def = obj.kind ? kindByName(obj.kind) : undefined;
  if (group !== GROUP || !def) {
    problems.push({ path: 'kind', message: `unknown kind ${obj.apiVersion ?? '?'}/${obj.kind ?? '?'}` });
    return { object: obj, defaulted: obj, problems };
  }
  const v = servedVersion(def, version);
  if (!v) {
    problems.push({ path: 'apiVersion', message: `${def.kind} is served as ${def.versions.filter((x) => x.served).map((x) => `${GROUP}/${x.name}`).join(', ')}, not ${obj.apiVersion}` });
    return { object: obj, defaulted: obj, problems };
  }
  const name = obj.metadata?.name;
  if (typeof name !== 'string' || name === '') problems.push({ path: 'metadata.name', message: 'Required value' });
  const spec = obj['spec'];
  if (spec === undefined || spec === null) {
    if (v.specRequired) problems.push({ path: 'spec', message: 'Required value' });
  } else {
    v.spec.validate(spec, 'spec', problems);
  }
  const defaulted = { ...obj, spec: v.spec.withDefaults(spec ?? {}) };
  return { object: obj, defaulted, problems };
}

export function describeProblems(obj: Obj, problems: readonly Problem[]): string {
  const id = `${obj.kind ?? '?'} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name ?? '?'}`;
  return problems.map((p) => `${id}: ${p.path}: ${p.message}`).join('\n');
}
