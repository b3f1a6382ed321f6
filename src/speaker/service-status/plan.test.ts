import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Obj } from '../../api/object.js';
import { l2Supersedes, planServiceStatuses, statusObjectName } from './plan.js';
import { bgpStatusFields, l2StatusFields } from './fields.js';

const rec = (node: string, service: string, status: Record<string, unknown>, name = statusObjectName('ServiceL2Status', node, service)): Obj => {
  const [ns, svc] = service.split('/') as [string, string];
  return { apiVersion: 'metallb.io/v1beta1', kind: 'ServiceL2Status', metadata: { name, namespace: 'metallb-system', labels: { 'metallb.io/node': node, 'metallb.io/service-name': svc, 'metallb.io/service-namespace': ns } }, status: { node, serviceName: svc, serviceNamespace: ns, ...status } };
};

test('object names: the same for (node, Service) on every run, DNS-safe, per kind', () => {
  const a = statusObjectName('ServiceL2Status', 'worker-1', 'apps/web');
  assert.equal(a, statusObjectName('ServiceL2Status', 'worker-1', 'apps/web'));
  assert.match(a, /^l2-[0-9a-f]{16}$/);
  assert.match(statusObjectName('ServiceBGPStatus', 'worker-1', 'apps/web'), /^bgp-[0-9a-f]{16}$/);
  assert.notEqual(a, statusObjectName('ServiceL2Status', 'worker-2', 'apps/web'));
  assert.notEqual(a, statusObjectName('ServiceL2Status', 'worker-1', 'apps/web2'));
});

test('writes only what differs; this node\'s records for Services it no longer announces go', () => {
  const desired = new Map([
    ['apps/web', { ips: ['192.0.2.10'] }],
    ['apps/db', { ips: ['192.0.2.11'] }],
  ]);
  const existing = [rec('n1', 'apps/web', { ips: ['192.0.2.10'] }), rec('n1', 'apps/db', { ips: ['192.0.2.99'] }), rec('n1', 'apps/gone', { ips: ['192.0.2.12'] }), rec('n2', 'apps/other', { ips: ['192.0.2.13'] })];
  const plan = planServiceStatuses({ kind: 'ServiceL2Status', node: 'n1', desired, existing, supersedes: l2Supersedes });
  assert.deepEqual(plan.writes.map((w) => [w.name, w.status]), [[statusObjectName('ServiceL2Status', 'n1', 'apps/db'), { node: 'n1', serviceName: 'db', serviceNamespace: 'apps', ips: ['192.0.2.11'] }]]);
  assert.deepEqual(plan.writes[0]!.labels, { 'metallb.io/node': 'n1', 'metallb.io/service-name': 'db', 'metallb.io/service-namespace': 'apps' });
  assert.deepEqual(plan.deletes, [statusObjectName('ServiceL2Status', 'n1', 'apps/gone')], 'another node\'s record for another Service stays');
  // idempotent: once written, nothing more
  const after = [rec('n1', 'apps/web', { ips: ['192.0.2.10'] }), rec('n1', 'apps/db', { ips: ['192.0.2.11'] }), rec('n2', 'apps/other', { ips: ['192.0.2.13'] })];
  assert.deepEqual(planServiceStatuses({ kind: 'ServiceL2Status', node: 'n1', desired, existing: after, supersedes: l2Supersedes }), { writes: [], deletes: [] });
});

test('layer 2 takeover: the old node\'s record goes once this node answers every IP it lists, not before', () => {
  const desired = new Map([['apps/web', { ips: ['192.0.2.10'] }]]);
  const oldWhole = rec('n2', 'apps/web', { ips: ['192.0.2.10'] });
  const oldDual = rec('n3', 'apps/web', { ips: ['192.0.2.10', '2001:db8::10'] });
  const plan = planServiceStatuses({ kind: 'ServiceL2Status', node: 'n1', desired, existing: [oldWhole, oldDual], supersedes: l2Supersedes });
  assert.deepEqual(plan.deletes, [oldWhole.metadata!.name]);
  // BGP has no takeover: every node announcing a Service keeps its own record
  const bgp = planServiceStatuses({ kind: 'ServiceBGPStatus', node: 'n1', desired: new Map([['apps/web', { peers: ['r1'] }]]), existing: [{ ...oldWhole, kind: 'ServiceBGPStatus' }] });
  assert.deepEqual(bgp.deletes, []);
  // a record with another name but this node's label (an older writer's) is replaced
  const foreign = rec('n1', 'apps/web', { ips: ['192.0.2.10'] }, 'l2-abcde');
  const p2 = planServiceStatuses({ kind: 'ServiceL2Status', node: 'n1', desired, existing: [foreign], supersedes: l2Supersedes });
  assert.deepEqual([p2.writes.length, p2.deletes], [1, ['l2-abcde']]);
});

test('fields: layer 2 interfaces only when a list limits them, BGP peers merged over a Service\'s IPs', () => {
  const l2 = l2StatusFields([
    { service: 'apps/web', ip: '192.0.2.10', node: 'n1', interfaces: ['eth1', 'eth0'] },
    { service: 'apps/web', ip: '2001:db8::10', node: 'n1', interfaces: ['eth0'] },
    { service: 'apps/all', ip: '192.0.2.11', node: 'n1', interfaces: [] },
  ]);
  assert.deepEqual(Object.fromEntries(l2), { 'apps/web': { ips: ['192.0.2.10', '2001:db8::10'], interfaces: [{ name: 'eth0' }, { name: 'eth1' }] }, 'apps/all': { ips: ['192.0.2.11'] } });
  const bgp = bgpStatusFields([
    { service: 'apps/web', ip: '192.0.2.10', prefix: '192.0.2.10/32', peers: ['r2', 'r1'] },
    { service: 'apps/web', ip: '2001:db8::10', prefix: '2001:db8::10/128', peers: ['r3'] },
  ]);
  assert.deepEqual(Object.fromEntries(bgp), { 'apps/web': { peers: ['r1', 'r2', 'r3'] } });
});
