// `metallb generate-bundle [--check]`: writes (or checks) bundle/ and operator/catalog/ from config/.
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from './command.js';
import { parseObjects } from '../api/yaml.js';
import { renderPackagingFiles } from '../bundle/files.js';
import { pinnedVersion, run } from '../lab/procs.js';
import { repoRoot } from '../util/golden.js';

/** kubectl: $KUBECTL, else the one `make controlplane` built, else PATH's. */
export function kubectlPath(): string {
  if (process.env['KUBECTL']) return process.env['KUBECTL'];
  const built = join(repoRoot(), '.cache/controlplane', pinnedVersion(), 'bin/kubectl');
  return existsSync(built) ? built : 'kubectl';
}

/** Every packaging file, generated from `kubectl kustomize <root>/config/manifests`. */
export async function generatePackaging(root = repoRoot(), kubectl = kubectlPath()): Promise<Map<string, string>> {
  const r = await run(kubectl, ['kustomize', join(root, 'config/manifests')]);
  if (r.code !== 0) throw new Error(`kubectl kustomize config/manifests failed (${r.code}): ${r.stderr.trim()}`);
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const icon = readFileSync(join(root, 'config/manifests/bases/metallb-operator.svg'), 'utf8');
  return renderPackagingFiles({ objects: parseObjects(r.stdout, 'kubectl kustomize config/manifests'), version, icon });
}

/** Generated files present on disk but no longer produced (a removed CRD, an old CSV). */
function strays(root: string, files: Map<string, string>): string[] {
  const out: string[] = [];
  for (const dir of ['bundle/manifests', 'bundle/metadata', 'operator/catalog/metallb-operator']) {
    const abs = join(root, dir);
    if (!existsSync(abs)) continue;
    for (const f of readdirSync(abs)) if (!files.has(`${dir}/${f}`)) out.push(`${dir}/${f}`);
  }
  return out;
}

/** The paths whose committed text differs from what would be generated (stale, missing or stray). */
export function stalePaths(root: string, files: Map<string, string>): string[] {
  const stale = [...files].filter(([p, text]) => !existsSync(join(root, p)) || readFileSync(join(root, p), 'utf8') !== text).map(([p]) => p);
  return [...stale, ...strays(root, files)];
}

export const command: Command = {
  name: 'generate-bundle',
  summary: 'write the OLM bundle (bundle/) and the file-based catalog (operator/catalog/) from config/',
  usage: `usage: metallb generate-bundle [--check]

Runs \`kubectl kustomize config/manifests\` (the CSV base, config/default, the samples) and writes
the registry+v1 bundle: bundle/manifests (the ClusterServiceVersion metallb-operator.v<version
of package.json> and every CRD), bundle/metadata/annotations.yaml, bundle/bundle.Dockerfile; and
the file-based catalog operator/catalog/metallb-operator/catalog.yaml. Deterministic.
  --check     write nothing; exit 1 and list the files that differ
kubectl is $KUBECTL, else .cache/controlplane/<version>/bin/kubectl, else kubectl on PATH.`,
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { check: { type: 'boolean', default: false } } });
    const root = repoRoot();
    const files = await generatePackaging(root);
    if (values.check) {
      const stale = stalePaths(root, files);
      if (stale.length > 0) {
        io.stderr(`out of date (run 'make bundle'):\n${stale.map((s) => `  ${s}`).join('\n')}\n`);
        return 1;
      }
      io.stdout(`bundle/ and operator/catalog/ are up to date (${files.size} files)\n`);
      return 0;
    }
    for (const p of strays(root, files)) rmSync(join(root, p));
    for (const [p, text] of files) {
      mkdirSync(dirname(join(root, p)), { recursive: true });
      writeFileSync(join(root, p), text);
      io.stdout(`wrote ${p}\n`);
    }
    return 0;
  },
};
