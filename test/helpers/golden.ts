// Golden-file assertion: compares `actual` with testdata/<name>.golden, or rewrites the file when
// UPDATE_GOLDEN=1. Paths are resolved against the source tree, not dist/, so goldens are committed.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../../src/util/repo-root.js';
import assert from 'node:assert/strict';

/** Maps a compiled test file's directory (dist/...) back to its source directory. */
export function sourceDir(importMetaUrl: string): string {
  const here = dirname(fileURLToPath(importMetaUrl));
  const root = repoRoot();
  const rel = relative(join(root, 'dist'), here);
  return rel.startsWith('..') ? here : join(root, rel);
}

export function assertGolden(importMetaUrl: string, name: string, actual: string): void {
  const file = join(sourceDir(importMetaUrl), 'testdata', `${name}.golden`);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(file, 'utf8');
  } catch {
    assert.fail(`golden file ${file} is missing; run with UPDATE_GOLDEN=1 to create it`);
  }
  assert.equal(actual, expected, `output differs from ${file} (UPDATE_GOLDEN=1 regenerates it)`);
}
