// `metallb generate-bundle [--check]`: writes (or checks) bundle/ and operator/catalog/ from config/.
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from './command.js';
import { parseObjects } from '../api/yaml.js';
import { catalogBundles, IMAGE_REPO, renderPackagingFiles } from '../bundle/files.js';
import { PACKAGE } from '../bundle/csv.js';
import { parseDigests, pinImages } from '../bundle/pin-images.js';
import { UsageError } from '../util/errors.js';
import { pinnedVersion, run } from '../lab/procs.js';
import { repoRoot } from '../util/repo-root.js';

/** kubectl: $KUBECTL, else the one `make controlplane` built, else PATH's. */
export function kubectlPath(): string {
  if (process.env['KUBECTL']) return process.env['KUBECTL'];
  const built = join(repoRoot(), '.cache/controlplane', pinnedVersion(), 'bin/kubectl');
  return existsSync(built) ? built : 'kubectl';
}

/** A later release than package.json's: its version and the CSV it replaces. */
export interface Release {
  version: string;
  replaces: string;
}

/**
 * Every packaging file, generated from `kubectl kustomize <root>/config/manifests`. With a
 * release, the files of that version instead: our images tagged v<version>, the CSV replacing
 * `replaces`, and a catalog that still serves every bundle of the committed one before it.
 */
export async function generatePackaging(root = repoRoot(), kubectl = kubectlPath(), release?: Release): Promise<Map<string, string>> {
  const r = await run(kubectl, ['kustomize', join(root, 'config/manifests')]);
  if (r.code !== 0) throw new Error(`kubectl kustomize config/manifests failed (${r.code}): ${r.stderr.trim()}`);
  const current = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const icon = readFileSync(join(root, 'config/manifests/bases/metallb-operator.svg'), 'utf8');
  const webhookConfiguration = parseObjects(readFileSync(join(root, 'templates/webhook.yaml'), 'utf8'), 'templates/webhook.yaml').find((o) => o.kind === 'ValidatingWebhookConfiguration');
  const common = { icon, ...(webhookConfiguration ? { webhookConfiguration } : {}) };
  if (!release) return renderPackagingFiles({ objects: parseObjects(r.stdout, 'kubectl kustomize config/manifests'), version: current, ...common });
  const esc = (t: string): string => t.replace(/[.]/g, '\\.');
  const retagged = r.stdout.replace(new RegExp(`(${esc(IMAGE_REPO)}/[a-z0-9-]+):v${esc(current)}\\b`, 'g'), `$1:v${release.version}`);
  const previous = catalogBundles(readFileSync(join(root, `operator/catalog/${PACKAGE}/catalog.yaml`), 'utf8'));
  if (!previous.some((d) => d['name'] === release.replaces)) throw new UsageError(`--replaces ${release.replaces}: operator/catalog has no such bundle (it has ${previous.map((d) => String(d['name'])).join(', ')})`);
  return renderPackagingFiles({ objects: parseObjects(retagged, 'kubectl kustomize config/manifests'), version: release.version, ...common, replaces: release.replaces }, previous);
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
  usage: `usage: metallb generate-bundle [--check] [--version V --replaces CSV] [--image-digests FILE] [--out DIR]

Runs \`kubectl kustomize config/manifests\` (the CSV base, config/default, the samples) and writes
the registry+v1 bundle: bundle/manifests (the ClusterServiceVersion metallb-operator.v<version
of package.json> and every CRD), bundle/metadata/annotations.yaml, bundle/bundle.Dockerfile; and
the file-based catalog operator/catalog/metallb-operator/catalog.yaml. Deterministic.
  --check     write nothing; exit 1 and list the files that differ
  --out DIR   write under DIR (bundle/, operator/catalog/) instead of the repository
  --version V --replaces CSV
              the files of a later release V (needs --out): our images tagged vV, the CSV with
              spec.replaces CSV, and a catalog whose stable channel serves the committed
              catalog's bundles, then V replacing CSV (how the lab builds the upgrade it tests;
              releases are cut the same way)
  --image-digests FILE
              our images by digest (needs --out): every reference FILE lists becomes
              repo@sha256:... in the CSV (deployments, *_IMAGE env, relatedImages,
              containerImage) and the catalog; lines are \`ref digest\` (the first sha256:
              field of a line is its digest, so build-local.sh's index.tsv reads as it is);
              exit 1 naming any of our images left by tag (the bundle image aside)
kubectl is $KUBECTL, else .cache/controlplane/<version>/bin/kubectl, else kubectl on PATH.`,
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { check: { type: 'boolean', default: false }, version: { type: 'string' }, replaces: { type: 'string' }, out: { type: 'string' }, 'image-digests': { type: 'string' } } });
    const root = repoRoot();
    const digestsFile = values['image-digests'];
    if (values.out !== undefined || values.version !== undefined || values.replaces !== undefined || digestsFile !== undefined) {
      if (values.check) throw new UsageError('--check writes nothing: it goes without --out, --version, --replaces and --image-digests');
      if ((values.version === undefined) !== (values.replaces === undefined)) throw new UsageError('--version and --replaces go together');
      if (!values.out) throw new UsageError('--version and --image-digests write under --out DIR (never over the committed files)');
      if (values.version !== undefined && !/^\d+\.\d+\.\d+$/.test(values.version)) throw new UsageError(`--version ${values.version}: not a semantic version (X.Y.Z)`);
      const release = values.version !== undefined && values.replaces !== undefined ? { version: values.version, replaces: values.replaces } : undefined;
      let files = await generatePackaging(root, kubectlPath(), release);
      if (digestsFile !== undefined) {
        if (!existsSync(digestsFile)) throw new UsageError(`--image-digests ${digestsFile}: no such file`);
        files = pinImages(files, parseDigests(readFileSync(digestsFile, 'utf8'), digestsFile));
      }
      for (const [p, text] of files) {
        mkdirSync(dirname(join(values.out, p)), { recursive: true });
        writeFileSync(join(values.out, p), text);
      }
      io.stdout(`wrote ${files.size} files of release ${release?.version ?? 'package.json\'s version'}${digestsFile !== undefined ? ', images by digest,' : ''} under ${values.out}\n`);
      return 0;
    }
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
