import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricsReference } from './metrics-reference.js';
import { ALL_METRICS } from '../metrics/catalog.js';
import { repoRoot } from '../util/repo-root.js';

test("docs/reference/metrics.md is what the catalog generates (run 'make generate' after changing a metric)", () => {
  const doc = readFileSync(join(repoRoot(), 'docs/reference/metrics.md'), 'utf8');
  assert.equal(doc, metricsReference(ALL_METRICS));
  for (const d of ALL_METRICS) assert.ok(doc.includes(`| \`${d.name}\` |`), d.name);
});
