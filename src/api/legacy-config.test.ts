import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLegacyConfig, legacyConfigText } from './legacy-config.js';
import { convertLegacyConfig } from './convert-legacy.js';
import { parseObjects, toYamlDocuments } from './yaml.js';
import { repoRoot } from '../util/repo-root.js';
import { assertGolden } from '../../test/helpers/golden.js';
import { ValidationError } from '../util/errors.js';

for (const seed of ['000-configmap-layer2', '001-configmap-bgp', '004-configmap-layer2']) {
  test(`seed ${seed} converts to valid CRs (golden)`, () => {
    const [cm] = parseObjects(readFileSync(join(repoRoot(), 'test/fixtures/seeds', `${seed}.yaml`), 'utf8'));
    const out = convertLegacyConfig(parseLegacyConfig(legacyConfigText(cm!)!), 'metallb-system');
    assertGolden(import.meta.url, `legacy-${seed}`, toYamlDocuments(out));
  });
}

test('every legacy feature converts: peers with selectors, communities, bfd profiles, advertisements', () => {
  const cfg = parseLegacyConfig(`
peers:
- peer-address: 10.0.0.1
  peer-asn: 64501
  my-asn: 64500
  peer-port: 1179
  hold-time: 120s
  router-id: 10.0.0.100
  source-address: 10.0.0.2
  password: secret
  bfd-profile: fast
  ebgp-multihop: true
  node-selectors:
  - match-labels: {rack: "1"}
    match-expressions: [{key: zone, operator: In, values: [a]}]
bgp-communities:
  no-adv: 65535:65282
bfd-profiles:
- name: fast
  receive-interval: 100
  transmit-interval: 100
  detect-multiplier: 5
  echo-mode: false
  passive-mode: true
  minimum-ttl: 254
address-pools:
- name: pub
  protocol: bgp
  auto-assign: false
  addresses: [203.0.113.0/24]
  bgp-advertisements:
  - aggregation-length: 32
    localpref: 100
    communities: [no-adv]
  - aggregation-length: 24
`);
  const out = convertLegacyConfig(cfg, 'metallb-system');
  assert.deepEqual(out.map((o) => `${o.kind}/${o.metadata?.name}`), ['Community/legacy-communities', 'BFDProfile/fast', 'BGPPeer/peer-10-0-0-1', 'IPAddressPool/pub', 'BGPAdvertisement/pub-0', 'BGPAdvertisement/pub-1']);
  const peer = out[2]!['spec'] as Record<string, unknown>;
  assert.equal(peer['holdTime'], '120s');
  assert.deepEqual(peer['nodeSelectors'], [{ matchLabels: { rack: '1' }, matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }]);
  assert.deepEqual((out[4]!['spec'] as Record<string, unknown>)['communities'], ['no-adv']);
});

test('unknown keys are a clear error naming the key', () => {
  assert.throws(() => parseLegacyConfig('address-pools:\n- name: x\n  protocol: bgp\n  addresses: [10.0.0.0/24]\n  avoid-buggy-ip: true\n'), (e: unknown) =>
    e instanceof ValidationError && /address-pools\[0\]: unknown key "avoid-buggy-ip"/.test(e.message));
  assert.throws(() => parseLegacyConfig('address-pool: []\n'), /unknown key "address-pool"/);
  assert.throws(() => parseLegacyConfig('address-pools:\n- name: x\n  protocol: ospf\n  addresses: []\n'), /must be bgp or layer2/);
});

test('a converted object that the schema rejects is an error, not a bad YAML', () => {
  assert.throws(() => convertLegacyConfig(parseLegacyConfig('address-pools:\n- name: x\n  protocol: bgp\n  addresses: [10.0.0.1/24]\n'), 'metallb-system'), /each address must be a CIDR/);
});
