import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertCommand, legacyNotice } from './legacy-notice.js';
import { computeConditions } from './conditions.js';
import { parseObjects } from '../api/yaml.js';
import { repoRoot } from '../util/repo-root.js';

const seed = (name: string): Record<string, unknown> => parseObjects(readFileSync(join(repoRoot(), 'test/fixtures/seeds', `${name}.yaml`), 'utf8'))[0]!;

for (const [name, count] of [['000-configmap-layer2', 2], ['001-configmap-bgp', 3], ['004-configmap-layer2', 2]] as const) {
  test(`seed ${name}: the condition names the ConfigMap and the exact command`, () => {
    const c = legacyNotice(seed(name), 'metallb-system')!;
    assert.equal(c.type, 'LegacyConfigMap');
    assert.equal(c.reason, 'ConvertConfigMap');
    assert.match(c.message, new RegExp(`ConfigMap metallb-system/config is MetalLB <= 0.12 configuration \\(${count} objects once converted\\)`));
    assert.ok(c.message.endsWith(convertCommand('metallb-system')));
  });
}

test('the command reads the ConfigMap, converts it on stdin, applies the CRs and removes the ConfigMap', () => {
  assert.equal(convertCommand('ns1'), 'kubectl get configmap config -n ns1 -o yaml | metallb convert-configmap -f - | kubectl apply -f - && kubectl delete configmap config -n ns1');
});

test('an unconvertible ConfigMap (unknown key) gets the conversion error', () => {
  const cm = { kind: 'ConfigMap', metadata: { name: 'config' }, data: { config: 'address-pools:\n- name: x\n  protocol: layer2\n  addresses: [10.0.0.0/24]\n  avoid-buggy-ip: true\n' } };
  const c = legacyNotice(cm, 'metallb-system')!;
  assert.equal(c.reason, 'ConfigMapInvalid');
  assert.match(c.message, /address-pools\[0\]: unknown key "avoid-buggy-ip"/);
});

test('no ConfigMap, or a ConfigMap named config without a config key: no condition', () => {
  assert.equal(legacyNotice(undefined, 'metallb-system'), undefined);
  assert.equal(legacyNotice({ metadata: { name: 'config' }, data: { other: 'x' } }, 'metallb-system'), undefined);
});

test('the condition is added after the four standard ones, only when present', () => {
  const c = legacyNotice(seed('001-configmap-bgp'), 'metallb-system')!;
  assert.deepEqual(computeConditions({ generation: 1, applyErrors: [], legacy: c }, undefined, 'T').map((x) => x.type), ['Available', 'Progressing', 'Degraded', 'Upgradeable', 'LegacyConfigMap']);
  assert.equal(computeConditions({ generation: 1, applyErrors: [] }, undefined, 'T').length, 4);
});
