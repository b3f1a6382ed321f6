import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plan } from './plan.js';
import { parseObjects } from '../api/yaml.js';
import type { Obj } from '../api/object.js';
import { expandLegacyConfigMaps } from '../api/convert-legacy.js';
import { validateObject } from '../api/validate.js';
import { repoRoot } from '../util/repo-root.js';
import { main } from '../cli.js';

const read = (rel: string): Obj[] => parseObjects(readFileSync(join(repoRoot(), rel), 'utf8'));
const prepared = (objs: Obj[]): Obj[] => expandLegacyConfigMaps(objs).objects.map((o) => (o.apiVersion?.startsWith('metallb.io') ? validateObject(o).defaulted : o));
const nodes: Obj[] = ['worker-0', 'worker-1'].map((name) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'node-role.kubernetes.io/worker': '' } } }));
const eps = (svc: string, ns: string): Obj => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: `${svc}-x`, namespace: ns, labels: { 'kubernetes.io/service-name': svc } }, endpoints: [{ addresses: ['10.0.0.1'], nodeName: 'worker-1', conditions: { ready: true } }] });
const lb = (name: string): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } });

test('seed 002: .150 announced by both workers (ECMP)', () => {
  const objs = prepared([...['addresspool', 'bfdprofile', 'bgppeer'].flatMap((n) => read(`config/samples/metallb_v1beta1_${n}.yaml`)), ...read('test/fixtures/seeds/002-service.yaml'), ...nodes, eps('test-frr', 'test-metallb')]);
  const p = plan(objs);
  assert.deepEqual(p.errors, []);
  assert.deepEqual(p.services, [{ namespace: 'test-metallb', name: 'test-frr', ips: ['192.168.155.150'], pool: 'address-pool-bgp', bgpNodes: ['worker-0', 'worker-1'], l2Node: null, error: null }]);
});

test('seed 003: IPAddressPool + empty BGPAdvertisement + loadBalancerIPs annotation → 192.168.5.1 by BGP', () => {
  const objs = prepared([...read('config/samples/metallb_v1beta1_ipaddresspool.yaml'), ...read('config/samples/metallb_v1beta1_bgpadvertisement.yaml'), ...read('config/samples/metallb_v1beta1_bgppeer.yaml'), ...read('config/samples/metallb_v1beta1_bfdprofile.yaml'), ...read('test/fixtures/seeds/003-service.yaml'), ...nodes, eps('nginx', 'default')]);
  const p = plan(objs);
  assert.deepEqual(p.errors, []);
  const s = p.services[0]!;
  assert.deepEqual(s.ips, ['192.168.5.1']);
  assert.deepEqual(s.bgpNodes, ['worker-0', 'worker-1']);
});

for (const [seed, ip, mode] of [['000-configmap-layer2', '10.19.140.10', 'l2'], ['001-configmap-bgp', '198.51.100.1', 'bgp'], ['004-configmap-layer2', '10.128.54.230', 'l2']] as const) {
  test(`seed ${seed}: the ConfigMap, and its convert-configmap output, give ${ip}`, async () => {
    const direct = plan(prepared([...read(`test/fixtures/seeds/${seed}.yaml`), lb('svc'), ...nodes, eps('svc', 'default')])).services[0]!;
    assert.deepEqual(direct.ips, [ip]);
    if (mode === 'l2') assert.ok(direct.l2Node === 'worker-0' || direct.l2Node === 'worker-1');
    else assert.deepEqual(direct.bgpNodes, ['worker-0', 'worker-1']);
    let out = '';
    const code = await main(['convert-configmap', '-f', join(repoRoot(), `test/fixtures/seeds/${seed}.yaml`)], { stdout: (t) => void (out += t), stderr: () => undefined });
    assert.equal(code, 0);
    const converted = plan(prepared([...parseObjects(out), lb('svc'), ...nodes, eps('svc', 'default')])).services[0]!;
    assert.deepEqual(converted, direct);
  });
}

test('errors: a Service that cannot get an IP says why; a config error makes the plan fail', () => {
  const objs = prepared([...read('config/samples/metallb_v1beta1_ipaddresspool.yaml'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x', namespace: 'default' }, spec: { type: 'LoadBalancer', loadBalancerIP: '10.9.9.9' } }, ...nodes,
    { apiVersion: 'metallb.io/v1beta1', kind: 'BGPPeer', metadata: { name: 'p', namespace: 'metallb-system' }, spec: { myASN: 1, peerASN: 2, peerAddress: '10.0.0.1', bfdProfile: 'missing' } }]);
  const p = plan(objs);
  assert.match(p.services[0]!.error!, /requested IP 10.9.9.9 is not in any pool/);
  assert.ok(p.errors.some((e) => /BFDProfile "missing"/.test(e)));
});

test('layer 2: one node per IP, the same on every run; excluded nodes never win', () => {
  const objs = prepared([...read('test/fixtures/seeds/004-configmap-layer2.yaml'), ...Array.from({ length: 8 }, (_, i) => lb(`s${i}`)), ...nodes,
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'excluded', labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } } }, ...Array.from({ length: 8 }, (_, i) => eps(`s${i}`, 'default'))]);
  const a = plan(objs);
  assert.deepEqual(a, plan(objs));
  assert.ok(a.services.every((s) => s.l2Node === 'worker-0' || s.l2Node === 'worker-1'));
  assert.equal(new Set(a.services.map((s) => s.l2Node)).size, 2, 'IPs spread over the nodes');
});

test('render-frr: a bad BGPPeer beside seed objects is skipped and named; the good peer is still printed (issue 18.1)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'render-frr-'));
  const extra = join(dir, 'extra.yaml');
  writeFileSync(extra, [
    'apiVersion: metallb.io/v1beta1\nkind: BGPPeer\nmetadata: {name: bad, namespace: metallb-system}\nspec: {myASN: 64520, peerASN: 64530, peerAddress: 192.168.133.9, bfdProfile: ghost}',
    'apiVersion: v1\nkind: Node\nmetadata: {name: worker-0}',
  ].join('\n---\n'));
  let out = '';
  let err = '';
  const files = ['addresspool', 'bfdprofile', 'bgppeer'].flatMap((n) => ['-f', join(repoRoot(), `config/samples/metallb_v1beta1_${n}.yaml`)]);
  const code = await main(['render-frr', '--node', 'worker-0', ...files, '-f', extra], { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  rmSync(dir, { recursive: true });
  assert.equal(code, 1);
  assert.match(err, /^# skipped: BGPPeer bad: BFDProfile "ghost" does not exist$/m);
  assert.match(out, /^ neighbor 192\.168\.133\.1 remote-as 64521$/m);
  assert.doesNotMatch(out, /192\.168\.133\.9/);
});
