// Our images by digest in a release's packaging files (pure). A tag can be moved under a cluster
// that already runs it (a re-push, a compromised registry account); a digest cannot, and OLM's
// disconnected-install tooling (`oc adm catalog mirror`, ImageContentSourcePolicy) only mirrors
// what a bundle names by digest. The bundle image itself is pinned later, by whoever builds the
// catalog: its digest exists only once the bundle is built from these files.
import { IMAGE_REPO } from './files.js';

export class PinError extends Error {}

/** Image reference → manifest digest (sha256:<64 hex>). */
export type Digests = ReadonlyMap<string, string>;

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const esc = (t: string): string => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** Our images named by tag, the bundle's own image aside. */
const OUR_TAGGED = new RegExp(`${esc(IMAGE_REPO)}/(?!metallb-operator-bundle:)[a-z0-9-]+:[A-Za-z0-9_.-]+`, 'g');

/**
 * Parses `ref digest` lines (whitespace-separated; `#` comments). The first field is the
 * reference; the digest is the first field that looks like one, so operator/build-local.sh's
 * index.tsv (ref, archive, digest, aliases) is read as it is.
 */
export function parseDigests(text: string, source: string): Map<string, string> {
  const out = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    const fields = line.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) return;
    const digest = fields.slice(1).find((f) => DIGEST.test(f));
    if (!digest) throw new PinError(`${source}:${i + 1}: '${fields[0]}' has no sha256:<64 hex> digest`);
    const ref = fields[0]!;
    if (ref.includes('@')) throw new PinError(`${source}:${i + 1}: '${ref}' is already a digest reference`);
    const known = out.get(ref);
    if (known && known !== digest) throw new PinError(`${source}:${i + 1}: '${ref}' has two digests (${known}, ${digest})`);
    out.set(ref, digest);
  });
  return out;
}

/** `repo/name:tag` → `repo/name@sha256:...` (a registry port's colon is not a tag). */
export function digestRef(ref: string, digest: string): string {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return `${colon > slash ? ref.slice(0, colon) : ref}@${digest}`;
}

/**
 * Every file with each reference of `digests` replaced by its digest form. Refuses a half-pinned
 * result: any of our images still named by tag (one the digests file forgot) is an error naming
 * the file and the reference, so a release never ships some images by tag and some by digest.
 */
export function pinImages(files: ReadonlyMap<string, string>, digests: Digests): Map<string, string> {
  // Longest first, so `x:v1.1` is not rewritten through a shorter `x:v1` match.
  const refs = [...digests.keys()].sort((a, b) => b.length - a.length);
  const pattern = refs.length > 0 ? new RegExp(`(?<![\\w.@/-])(?:${refs.map(esc).join('|')})(?![\\w.:@-])`, 'g') : undefined;
  const out = new Map<string, string>();
  const unpinned: string[] = [];
  for (const [path, text] of files) {
    const pinned = pattern ? text.replace(pattern, (ref) => digestRef(ref, digests.get(ref)!)) : text;
    for (const m of pinned.matchAll(OUR_TAGGED)) unpinned.push(`${path}: ${m[0]}`);
    out.set(path, pinned);
  }
  if (unpinned.length > 0) throw new PinError(`images still named by tag (add them to the digests file):\n${[...new Set(unpinned)].map((u) => `  ${u}`).join('\n')}`);
  return out;
}
