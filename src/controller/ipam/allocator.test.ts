import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Allocator } from './allocator.js';
import { parseService, poolSpecs } from './from-objects.js';
import type { PoolSpec, ServiceRequest } from './types.js';
import { parseRange } from '../../net/range.js';
import { parseObjects } from '../../api/yaml.js';
import type { KubeObject } from '../../api/yaml.js';
import { expandLegacyConfigMaps } from '../../api/convert-legacy.js';
import { validateObject } from '../../api/validate.js';
import { repoRoot } from '../../util/golden.js';

const read = (rel: string): KubeObject[] => parseObjects(readFileSync(join(repoRoot(), rel), 'utf8'));
const defaulted = (objs: KubeObject[]): KubeObject[] => expandLegacyConfigMaps(objs).objects.map((o) => (o.apiVersion?.startsWith('metallb.io') ? validateObject(o).defaulted : o));
const pool = (name: string, addrs: string[], extra: Partial<PoolSpec> = {}): PoolSpec => ({ name, ranges: addrs.map((a) => parseRange(a)!), autoAssign: true, avoidBuggyIPs: false, ...extra });
const svc = (name: string, extra: Partial<ServiceRequest> = {}): ServiceRequest => ({
  key: `default/${name}`, namespace: 'default', labels: {}, namespaceLabels: {}, families: [4], familyPolicy: 'SingleStack', requestedIPs: [],
  ports: [{ port: 80, protocol: 'TCP' }], externalTrafficPolicy: 'Cluster', backendKey: 'app=x', ...extra,
});
const ok = (r: ReturnType<Allocator['allocate']>): string[] => {
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.ips;
};
const fails = (r: ReturnType<Allocator['allocate']>, re: RegExp): void => {
  assert.ok(!r.ok, `expected a failure, got ${r.ok ? r.ips.join(',') : ''}`);
  assert.match(r.reason, re);
};

test('seed 002: first Service gets .150; re-created with loadBalancerIP .151 and the pool annotation gets .151', () => {
  const a = new Allocator(poolSpecs(defaulted(read('config/samples/metallb_v1beta1_addresspool.yaml'))));
  const first = parseService(read('test/fixtures/seeds/002-service.yaml')[0]!);
  assert.deepEqual(ok(a.allocate(first.request)), ['192.168.155.150']);
  a.release(first.request.key);
  const again = parseService(read('test/fixtures/seeds/002-service-requested-ip.yaml')[0]!);
  assert.deepEqual(again.deprecated, ['metallb.universe.tf/address-pool']);
  assert.deepEqual(ok(a.allocate(again.request)), ['192.168.155.151']);
});

test('seed 003: the loadBalancerIPs annotation gives 192.168.5.1', () => {
  const a = new Allocator(poolSpecs(defaulted(read('config/samples/metallb_v1beta1_ipaddresspool.yaml'))));
  assert.deepEqual(ok(a.allocate(parseService(read('test/fixtures/seeds/003-service.yaml')[0]!).request)), ['192.168.5.1']);
});

for (const [seed, first] of [['001-configmap-bgp', '198.51.100.1'], ['000-configmap-layer2', '10.19.140.10'], ['004-configmap-layer2', '10.128.54.230']] as const) {
  test(`seed ${seed}: the legacy ConfigMap pool gives ${first} first`, () => {
    const a = new Allocator(poolSpecs(defaulted(read(`test/fixtures/seeds/${seed}.yaml`))));
    assert.deepEqual(ok(a.allocate(svc('s'))), [first]);
  });
}

test('avoidBuggyIPs skips .255 and .0 across a boundary, and refuses them when requested', () => {
  const a = new Allocator([pool('p', ['10.0.0.254-10.0.1.2'], { avoidBuggyIPs: true })]);
  assert.deepEqual(ok(a.allocate(svc('a'))), ['10.0.0.254']);
  assert.deepEqual(ok(a.allocate(svc('b'))), ['10.0.1.1']);
  fails(a.allocate(svc('c', { requestedIPs: ['10.0.1.0'] })), /avoidBuggyIPs/);
  assert.equal(a.usage('p')!.availableIPv4, 1n);
});

test('autoAssign false: only by name or IP', () => {
  const a = new Allocator([pool('manual', ['10.1.0.0/30'], { autoAssign: false })]);
  fails(a.allocate(svc('a')), /no pool has autoAssign enabled/);
  assert.deepEqual(ok(a.allocate(svc('b', { requestedPool: 'manual' }))), ['10.1.0.0']);
  assert.deepEqual(ok(a.allocate(svc('c', { requestedIPs: ['10.1.0.3'] }))), ['10.1.0.3']);
});

test('requested IP errors say what is wrong', () => {
  const a = new Allocator([pool('p', ['10.0.0.0/30']), pool('q', ['10.0.1.0/30'])]);
  fails(a.allocate(svc('a', { requestedIPs: ['10.9.9.9'] })), /requested IP 10.9.9.9 is not in any pool/);
  fails(a.allocate(svc('b', { requestedIPs: ['10.0.1.1'], requestedPool: 'p' })), /requested IP 10.0.1.1 is not in pool "p"/);
  fails(a.allocate(svc('c', { requestedPool: 'nope' })), /pool "nope" does not exist/);
  ok(a.allocate(svc('d', { requestedIPs: ['10.0.0.1'] })));
  fails(a.allocate(svc('e', { requestedIPs: ['10.0.0.1'] })), /IP 10.0.0.1 is already in use by default\/d/);
});

test('pool exhausted', () => {
  const a = new Allocator([pool('tiny', ['10.0.0.1/32'])]);
  ok(a.allocate(svc('a')));
  fails(a.allocate(svc('b')), /no available IPs in pool "tiny"/);
  a.release('default/a');
  assert.deepEqual(ok(a.allocate(svc('b'))), ['10.0.0.1']);
});

test('serviceAllocation: priority orders pools; namespaces and selectors restrict them', () => {
  const a = new Allocator([
    pool('z-low', ['10.0.9.0/30']),
    pool('a-prod', ['10.0.1.0/30'], { serviceAllocation: { priority: 10, namespaces: ['prod'] } }),
    pool('b-web', ['10.0.2.0/30'], { serviceAllocation: { priority: 5, serviceSelectors: [{ matchLabels: { app: 'web' } }] } }),
    pool('c-team', ['10.0.3.0/30'], { serviceAllocation: { priority: 1, namespaceSelectors: [{ matchLabels: { team: 'a' } }] } }),
  ]);
  assert.deepEqual(ok(a.allocate(svc('x'))), ['10.0.9.0']);
  assert.deepEqual(ok(a.allocate({ ...svc('y'), key: 'prod/y', namespace: 'prod' })), ['10.0.1.0']);
  assert.deepEqual(ok(a.allocate(svc('w', { labels: { app: 'web' } }))), ['10.0.2.0']);
  assert.deepEqual(ok(a.allocate(svc('t', { namespaceLabels: { team: 'a' }, labels: { app: 'web' } }))), ['10.0.3.0']);
  fails(a.allocate(svc('n', { requestedPool: 'a-prod' })), /only serves namespaces prod/);
});

test('sharing: same key, disjoint ports, compatible ETP', () => {
  const a = new Allocator([pool('p', ['10.0.0.0/30'])]);
  const ip = ok(a.allocate(svc('a', { sharingKey: 'k', ports: [{ port: 80, protocol: 'TCP' }] })));
  assert.deepEqual(ok(a.allocate(svc('b', { sharingKey: 'k', ports: [{ port: 443, protocol: 'TCP' }] }))), ip, 'auto-assign reuses the shared IP');
  fails(a.allocate(svc('c', { sharingKey: 'k', requestedIPs: ip, ports: [{ port: 80, protocol: 'TCP' }] })), /already uses port 80\/TCP/);
  fails(a.allocate(svc('d', { sharingKey: 'other', requestedIPs: ip })), /different allow-shared-ip key/);
  fails(a.allocate(svc('e', { sharingKey: 'k', requestedIPs: ip, ports: [{ port: 53, protocol: 'UDP' }], externalTrafficPolicy: 'Local' })), /externalTrafficPolicy/);
  a.release('default/a');
  assert.equal(a.usage('p')!.assignedIPv4, 1, 'the IP stays while b holds it');
  a.release('default/b');
  assert.equal(a.usage('p')!.assignedIPv4, 0);
});

test('dual-stack from one pool; RequireDualStack needs both families', () => {
  const a = new Allocator([pool('v4only', ['10.0.0.0/30']), pool('dual', ['10.0.1.0/30', '2001:db8::/64'])]);
  fails(a.allocate(svc('r', { families: [4, 6], familyPolicy: 'RequireDualStack', requestedPool: 'v4only' })), /lacks IPv6/);
  assert.deepEqual(ok(a.allocate(svc('d', { families: [4, 6], familyPolicy: 'RequireDualStack' }))), ['10.0.1.0', '2001:db8::']);
  assert.deepEqual(ok(a.allocate(svc('p', { families: [6, 4], familyPolicy: 'PreferDualStack', requestedPool: 'v4only' }))), ['10.0.0.0']);
  assert.deepEqual(ok(a.allocate(svc('s6', { families: [6] }))), ['2001:db8::1']);
});

test('restore keeps IPs exactly; pool edits report who lost their IP', () => {
  const a = new Allocator([pool('p', ['10.0.0.0/24']), pool('q', ['10.0.1.0/24'])]);
  assert.ok(a.restore(svc('a'), ['10.0.0.77']).ok);
  assert.ok(a.restore(svc('b'), ['10.0.1.5']).ok);
  assert.deepEqual(ok(a.allocate(svc('a'))), ['10.0.0.77'], 'a restored IP is kept on the next allocate');
  const lost = a.setPools([pool('p', ['10.0.0.0/24'])]);
  assert.deepEqual(lost, ['default/b']);
  assert.deepEqual(a.assignment('default/a'), { pool: 'p', ips: ['10.0.0.77'] });
  assert.equal(a.usage('p')!.assignedIPv4, 1);
});

test('huge IPv6 pools report exact counts', () => {
  const a = new Allocator([pool('v6', ['2001:db8::/64'])]);
  ok(a.allocate(svc('a', { families: [6] })));
  assert.equal(a.usage('v6')!.availableIPv6, (1n << 64n) - 1n);
});

test('a request that cannot be met keeps the IPs the Service has', () => {
  const a = new Allocator([pool('p', ['10.0.0.0/30'])]);
  assert.deepEqual(ok(a.allocate(svc('a'))), ['10.0.0.0']);
  fails(a.allocate(svc('a', { requestedIPs: ['10.9.9.9'] })), /not in any pool/);
  assert.deepEqual(a.assignment('default/a'), { pool: 'p', ips: ['10.0.0.0'] });
  assert.deepEqual(ok(a.allocate(svc('b'))), ['10.0.0.1'], 'the kept IP stays reserved');
});
