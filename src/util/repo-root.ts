// The repository (or image app folder) root, from where this module was compiled to: the lab, the
// renderers and the bundle generator read templates/, config/ and .cache/ relative to it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: dist/src/util → ../../.. ; src/util → ../.. */
export function repoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const parts = here.split('/');
  const distAt = parts.lastIndexOf('dist');
  return distAt >= 0 ? parts.slice(0, distAt).join('/') : join(here, '..', '..');
}
