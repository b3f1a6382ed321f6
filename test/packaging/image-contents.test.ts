// What our two images hold under their app folder (/opt/metallb), read from buildah's storage as
// operator/build-local.sh built them (make test builds the images first): the programs, their
// production dependencies, the templates and the layer 2 addon; no test, test helper, fixture,
// golden, fake apiserver or bench file. The same check run over the development dist/ (which has
// all of them) is the control that shows it can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readImageIndex } from '../../src/lab/node-runtime.js';
import { imagesIndex } from '../../src/lab/up-pods.js';
import { repoRoot } from '../../src/util/repo-root.js';

const APP = 'opt/metallb';
const TOP_LEVEL = new Set(['package.json', 'node_modules', 'templates', 'dist', 'native']);
/** Names that only tests and benches have (our own files; node_modules is the dependencies'). */
const TEST_ONLY = [/\.test\.js$/, /(^|\/)test\//, /(^|\/)bench\//, /fake-apiserver/, /seed-node-model/, /rbac-coverage/, /golden/, /fixture/, /testdata/, /\.bench\.js$/];

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

function testOnly(paths: string[]): string[] {
  return paths.filter((p) => TEST_ONLY.some((re) => re.test(p)));
}

/** Mounts the image's root, gives it to fn, unmounts and removes the working container. */
function withImageRoot<T>(ref: string, fn: (root: string) => T): T {
  const ctr = execFileSync('buildah', ['from', '-q', '--pull=never', ref], { encoding: 'utf8' }).trim();
  try {
    const root = execFileSync('buildah', ['mount', ctr], { encoding: 'utf8' }).trim();
    return fn(root);
  } finally {
    execFileSync('buildah', ['rm', ctr], { stdio: 'ignore' });
  }
}

const ours = readImageIndex(imagesIndex()).filter((i) => /\/(metallb|speaker):v[0-9.]+$/.test(i.ref) && !i.ref.endsWith('.1.1'));

test('control: the development dist/ has test files, and the check finds them', () => {
  const found = testOnly(files(join(repoRoot(), 'dist')));
  assert.ok(found.some((f) => f.endsWith('.test.js')) && found.some((f) => f.includes('fake-apiserver')), `found: ${found.slice(0, 5).join(', ')}`);
  console.log(`development dist/: ${found.length} test-only files`);
});

for (const image of ours) {
  test(`${image.ref}: ${APP} holds only what runs`, () => {
    withImageRoot(image.ref, (root) => {
      const app = join(root, APP);
      const top = readdirSync(app);
      assert.deepEqual(top.filter((t) => !TOP_LEVEL.has(t)), [], `unexpected in /${APP}`);
      assert.deepEqual(readdirSync(join(app, 'dist')), ['src'], `/${APP}/dist`);
      const own = [...files(join(app, 'dist')).map((f) => `dist/${f}`), ...files(join(app, 'templates')).map((f) => `templates/${f}`)];
      assert.deepEqual(testOnly(own), [], 'test-only files in the image');
      assert.ok(own.includes('dist/src/cli.js'), 'the CLI is there');
      console.log(`${image.ref}: /${APP} = ${top.sort().join(', ')}; ${own.length} files of ours, 0 test-only`);
    });
  });
}
