// `metallb validate -f FILE...`: offline schema check of metallb.io objects.
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { readObjects } from '../api/yaml.js';
import { describeProblems, isMetalLBObject, validateObject } from '../api/validate.js';
import { UsageError } from '../util/errors.js';

export const command: Command = {
  name: 'validate',
  summary: 'check metallb.io YAML files against the API schema, offline',
  usage: `usage: metallb validate -f FILE [-f FILE...]

Checks every metallb.io object in the files (multi-document YAML, '-' for stdin) against the same
schema and rules the CRDs enforce. Other kinds are skipped. Exit 1 when any object is invalid.`,
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { filename: { type: 'string', short: 'f', multiple: true } } });
    const files = values.filename ?? [];
    if (files.length === 0) throw new UsageError('at least one -f FILE is required');
    let bad = 0;
    let checked = 0;
    for (const obj of readObjects(files)) {
      if (!isMetalLBObject(obj)) continue;
      checked++;
      const { problems } = validateObject(obj);
      if (problems.length > 0) {
        bad++;
        io.stderr(`${describeProblems(obj, problems)}\n`);
      }
    }
    io.stdout(`${checked - bad} valid, ${bad} invalid\n`);
    return bad > 0 ? 1 : 0;
  },
};
