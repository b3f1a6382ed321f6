// The seed scenarios end to end: pools and Services read from the repository's YAML fixtures
// (legacy ConfigMaps included), through parseService/poolSpecs, into the allocator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Allocator } from './allocator.js';
import { parseService, poolSpecs } from './allocator-inputs.js';
import type { ServiceRequest } from './types.js';
import { parseObjects } from '../../api/yaml.js';
import type { Obj } from '../../api/object.js';
import { expandLegacyConfigMaps } from '../../api/convert-legacy.js';
import { validateObject } from '../../api/validate.js';
import { repoRoot } from '../../util/repo-root.js';

const read = (rel: string): Obj[] => parseObjects(readFileSync(join(repoRoot(), rel), 'utf8'));
const defaulted = (objs: Obj[]): Obj[] => expandLegacyConfigMaps(objs).objects.map((o) => (o.apiVersion?.startsWith('metallb.io') ? validateObject(o).defaulted : o));
const plain: ServiceRequest = { key: 'default/s', namespace: 'default', labels: {}, namespaceLabels: {}, families: [4], familyPolicy: 'SingleStack', requestedIPs: [], ports: [{ port: 80, protocol: 'TCP' }], externalTrafficPolicy: 'Cluster', backendKey: '' };
const ips = (r: ReturnType<Allocator['allocate']>): string[] => (r.ok ? r.ips : assert.fail(r.reason));

test('seed 002: first Service gets .150; re-created with loadBalancerIP .151 and the pool annotation gets .151', () => {
  const a = new Allocator(poolSpecs(defaulted(read('config/samples/metallb_v1beta1_addresspool.yaml'))));
  const first = parseService(read('test/fixtures/seeds/002-service.yaml')[0]!);
  assert.deepEqual(ips(a.allocate(first.request)), ['192.168.155.150']);
  a.release(first.request.key);
  const again = parseService(read('test/fixtures/seeds/002-service-requested-ip.yaml')[0]!);
  assert.deepEqual(again.deprecated, ['metallb.universe.tf/address-pool']);
  assert.deepEqual(ips(a.allocate(again.request)), ['192.168.155.151']);
});

test('seed 003: the loadBalancerIPs annotation gives 192.168.5.1', () => {
  const a = new Allocator(poolSpecs(defaulted(read('config/samples/metallb_v1beta1_ipaddresspool.yaml'))));
  assert.deepEqual(ips(a.allocate(parseService(read('test/fixtures/seeds/003-service.yaml')[0]!).request)), ['192.168.5.1']);
});

for (const [seed, first] of [['001-configmap-bgp', '198.51.100.1'], ['000-configmap-layer2', '10.19.140.10'], ['004-configmap-layer2', '10.128.54.230']] as const) {
  test(`seed ${seed}: the legacy ConfigMap pool gives ${first} first`, () => {
    const a = new Allocator(poolSpecs(defaulted(read(`test/fixtures/seeds/${seed}.yaml`))));
    assert.deepEqual(ips(a.allocate(plain)), [first]);
  });
}
