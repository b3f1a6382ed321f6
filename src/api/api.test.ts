import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INVALID, VALID } from '../../test/api/cases.js';
import { validateObject, describeProblems } from './validate.js';
import { renderCRDFiles } from '../commands/generate-crds.js';
import { repoRoot } from '../util/repo-root.js';
import { parseObjects } from './yaml.js';
import type { BGPPeerSpec, BGPPeerSpecV1beta1 } from './bgppeer.js';
import { KINDS } from './registry.js';

test('committed CRDs are exactly what src/api generates (one source of truth)', () => {
  for (const [name, text] of renderCRDFiles()) {
    const committed = readFileSync(join(repoRoot(), 'config/crd/bases', name), 'utf8');
    assert.equal(committed, text, `config/crd/bases/${name} is stale: run 'metallb generate-crds'`);
  }
});

test('the TypeScript types are inferred from the schema', () => {
  const spec: BGPPeerSpec = { myASN: 1, peerASN: 2, peerAddress: '10.0.0.1', holdTime: '9s' };
  // @ts-expect-error: a field the schema does not have is a type error
  const wrong: BGPPeerSpec = { myASN: 1, peerAdress: '10.0.0.1' };
  // @ts-expect-error: v1beta1 is a subset: no interface
  const v1: BGPPeerSpecV1beta1 = { myASN: 1, peerASN: 2, peerAddress: '10.0.0.1', interface: 'eth0' };
  assert.ok(spec && wrong && v1);
});

test('every served BGPPeer v1beta1 field exists in v1beta2 with the same schema (conversion None is lossless)', () => {
  const peer = KINDS.find((k) => k.kind === 'BGPPeer')!;
  const [v1, v2] = [peer.versions[0]!, peer.versions[1]!];
  const v2Props = v2.spec.props as Record<string, { toJSON(): unknown }>;
  for (const [name, schema] of Object.entries(v1.spec.props as Record<string, { toJSON(): unknown }>)) {
    assert.deepEqual(schema.toJSON(), v2Props[name]?.toJSON(), name);
  }
});

test('the seeds and the other valid objects pass offline validation', () => {
  const samples = ['metallb', 'addresspool', 'bfdprofile', 'bgppeer', 'ipaddresspool', 'bgpadvertisement']
    .flatMap((n) => parseObjects(readFileSync(join(repoRoot(), `config/samples/metallb_v1beta1_${n}.yaml`), 'utf8')));
  for (const obj of [...samples, ...VALID]) {
    const { problems } = validateObject(obj);
    assert.deepEqual(problems, [], `${obj.kind}/${obj.metadata?.name}: ${describeProblems(obj, problems)}`);
  }
});

for (const c of INVALID) {
  test(`offline validation rejects: ${c.name}`, () => {
    const { problems } = validateObject(c.object);
    const text = describeProblems(c.object, problems);
    assert.ok(problems.some((p) => p.path === c.field), `expected a problem at ${c.field}, got:\n${text}`);
    assert.ok(problems.some((p) => `${p.path}: ${p.message}`.includes(c.message)), `expected "${c.message}" in:\n${text}`);
  });
}

test('defaults are applied offline as the apiserver applies them', () => {
  const obj = parseObjects(readFileSync(join(repoRoot(), 'config/samples/metallb_v1beta1_ipaddresspool.yaml'), 'utf8'))[0]!;
  const spec = validateObject(obj).defaulted['spec'] as Record<string, unknown>;
  assert.equal(spec['autoAssign'], true);
  assert.equal(spec['avoidBuggyIPs'], false);
});
