// Reading the YAML files the offline commands take: every metallb.io object is validated with the
// CRD's schema and defaulted as the apiserver would; one bad object stops the command with every
// problem listed (nothing is planned from half a configuration).
import { readObjects } from '../api/yaml.js';
import type { Obj } from '../api/object.js';
import { describeProblems, isMetalLBObject, validateObject } from '../api/validate.js';
import { ValidationError } from '../util/errors.js';
import { expandLegacyConfigMaps } from '../api/convert-legacy.js';

export function loadOfflineObjects(files: readonly string[]): Obj[] {
  const problems: string[] = [];
  const out: Obj[] = [];
  // A legacy ConfigMap means exactly what its converted CRs mean: one code path for both.
  const expanded = expandLegacyConfigMaps(readObjects(files));
  problems.push(...expanded.problems);
  for (const obj of expanded.objects) {
    if (!isMetalLBObject(obj)) {
      out.push(obj);
      continue;
    }
    const v = validateObject(obj);
    if (v.problems.length > 0) problems.push(describeProblems(obj, v.problems));
    else out.push(v.defaulted);
  }
  if (problems.length > 0) throw new ValidationError(`invalid input:\n${problems.join('\n')}`, problems);
  return out;
}
