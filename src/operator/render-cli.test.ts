// `metallb render-manifests`: the command around the renderer (validation, namespace, images).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command } from '../commands/render-manifests.js';
import { parseObjects } from '../api/yaml.js';
import { repoRoot } from '../util/repo-root.js';
import { DEFAULT_IMAGES } from './images.js';

const SEED = join(repoRoot(), 'config/samples/metallb_v1beta1_metallb.yaml');
const TEMPLATES = join(repoRoot(), 'templates');
const dir = mkdtempSync(join(tmpdir(), 'metallb-render-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await command.run([...args, '--templates', TEMPLATES], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const images = (out: string): string[] => parseObjects(out).filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet')
  .flatMap((o) => (o['spec'] as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers.map((c) => c.image));

test('seed 002 CR, OpenShift: the objects in apply order, default images, no ownerReferences offline', async () => {
  const saved = { ...process.env };
  for (const k of ['CONTROLLER_IMAGE', 'SPEAKER_IMAGE', 'FRR_IMAGE']) delete process.env[k];
  try {
    const { code, out, err } = await run(['-f', SEED, '--openshift']);
    assert.equal(code, 0, err);
    const objs = parseObjects(out);
    assert.deepEqual(objs.map((o) => o.kind), ['ServiceAccount', 'ServiceAccount', 'Role', 'Role', 'Role', 'RoleBinding', 'RoleBinding', 'RoleBinding', 'ConfigMap', 'ConfigMap', 'SecurityContextConstraints', 'Role', 'RoleBinding', 'Deployment', 'DaemonSet', 'Service', 'Service']);
    assert.ok(objs.every((o) => o.metadata?.['ownerReferences'] === undefined));
    assert.deepEqual(images(out), [DEFAULT_IMAGES.controller, DEFAULT_IMAGES.speaker, DEFAULT_IMAGES.frr]);
  } finally {
    process.env = saved;
  }
});

test('BGPPeers and Nodes in the input name the Secrets and Leases the speaker may use', async () => {
  const f = file('with-peers.yaml', `${readFileSync(SEED, 'utf8')}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: r1, namespace: metallb-system}
spec: {myASN: 64500, peerASN: 64501, peerAddress: 10.0.0.1, passwordSecret: {name: bgp-auth}}
---
apiVersion: v1
kind: Node
metadata: {name: worker-0}
`);
  const { code, out, err } = await run(['-f', f]);
  assert.equal(code, 0, err);
  const roles = parseObjects(out).filter((o) => o.kind === 'Role');
  const names = (role: string, resource: string): string[] => ((roles.find((r) => r.metadata?.name === role)?.['rules'] ?? []) as { resources: string[]; resourceNames?: string[] }[]).filter((r) => r.resources.includes(resource)).flatMap((r) => r.resourceNames ?? []);
  assert.deepEqual(names('speaker-secrets', 'secrets'), ['bgp-auth']);
  assert.deepEqual(names('speaker', 'leases'), ['metallb-speaker-worker-0']);
});

test('images come from CONTROLLER_IMAGE, SPEAKER_IMAGE and FRR_IMAGE', async () => {
  const saved = { ...process.env };
  Object.assign(process.env, { CONTROLLER_IMAGE: 'reg/c:1', SPEAKER_IMAGE: 'reg/s:1', FRR_IMAGE: 'reg/f:1' });
  try {
    const { code, out } = await run(['-f', SEED]);
    assert.equal(code, 0);
    assert.deepEqual(images(out), ['reg/c:1', 'reg/s:1', 'reg/f:1']);
    assert.ok(!parseObjects(out).some((o) => o.kind === 'SecurityContextConstraints'));
  } finally {
    process.env = saved;
  }
});

test('namespace: --namespace, else the CR\'s, else metallb-system', async () => {
  const noNs = file('no-ns.yaml', 'apiVersion: metallb.io/v1beta1\nkind: MetalLB\nmetadata:\n  name: metallb\n');
  for (const [args, ns] of [[['-f', noNs], 'metallb-system'], [['-f', noNs, '-n', 'lb'], 'lb'], [['-f', SEED], 'metallb-system']] as const) {
    const { code, out, err } = await run([...args]);
    assert.equal(code, 0, err);
    const objs = parseObjects(out);
    assert.deepEqual([...new Set(objs.flatMap((o) => (o.metadata?.namespace ? [o.metadata.namespace] : [])))], [ns]);
    assert.deepEqual(objs.find((o) => o.kind === 'RoleBinding')?.['subjects'], [{ kind: 'ServiceAccount', name: 'controller', namespace: ns }]);
  }
});

test('an invalid CR: exit 1 with the problems, nothing on stdout', async () => {
  const bad = file('bad.yaml', 'apiVersion: metallb.io/v1beta1\nkind: MetalLB\nmetadata:\n  name: metallb\n  namespace: metallb-system\nspec:\n  logLevel: loud\n  speakerTolerations: [{operator: Sometimes}]\n');
  const { code, out, err } = await run(['-f', bad]);
  assert.equal(code, 1);
  assert.equal(out, '');
  assert.match(err, /spec\.logLevel/);
  assert.match(err, /spec\.speakerTolerations\[0\]\.operator/);
});

test('not the MetalLB the operator deploys, no MetalLB, bad YAML, missing file: exit 1 with a reason', async () => {
  const cases: [string, RegExp][] = [
    [file('other.yaml', 'apiVersion: metallb.io/v1beta1\nkind: MetalLB\nmetadata:\n  name: other\n  namespace: metallb-system\n'), /rename it from "other" to "metallb"/],
    [file('none.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n'), /expected exactly one MetalLB object, found 0/],
    [file('broken.yaml', 'kind: [MetalLB\n'), /not valid YAML/],
    [join(dir, 'missing.yaml'), /ENOENT|no such file/],
  ];
  for (const [f, re] of cases) {
    const { code, out, err } = await run(['-f', f]);
    assert.equal(code, 1, f);
    assert.equal(out, '');
    assert.match(err, re);
  }
  const { code, err } = await run(['-f', SEED, '-n', 'elsewhere']);
  assert.equal(code, 1);
  assert.match(err, /namespace "elsewhere"/);
});
