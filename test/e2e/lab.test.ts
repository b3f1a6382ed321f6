// `metallb lab` end to end, as a user runs it: up, the seed 002 walkthrough (ECMP from the
// client, a re-created Service asking for .151 with the pool annotation, the node's running config),
// up again (idempotent), down (nothing left behind).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { main } from '../../src/cli.js';
import { readState } from '../../src/lab/state.js';
import { alive } from '../../src/lab/procs.js';
import { poll } from '../helpers/poll.js';

async function lab(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['lab', ...args], { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

const SERVICE_151 = JSON.stringify({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'demo', namespace: 'demo', annotations: { 'metallb.universe.tf/address-pool': 'address-pool-bgp' } },
  spec: { type: 'LoadBalancer', selector: { app: 'demo' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], loadBalancerIP: '192.168.155.151' },
});

before(async () => {
  assert.equal(readState(), undefined, 'a lab is already up on this machine: run `metallb lab down` before the tests');
  const r = await lab('up', '--nodes', '2');
  assert.equal(r.code, 0, r.err);
});

after(async () => {
  await lab('down');
});

test('seed 002 in the lab: .150 from both nodes, ECMP from the client, BFD up', async () => {
  const svc = await lab('kubectl', 'get', 'svc', 'demo', '-n', 'demo', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}');
  assert.equal(svc.out, '192.168.155.150');
  const route = await lab('vtysh', 'router', '-c', 'show ip route 192.168.155.150');
  assert.match(route.out, /\* 192\.168\.133\.71, via br0/);
  assert.match(route.out, /\* 192\.168\.133\.72, via br0/);
  const seen = new Set<string>();
  for (let i = 0; i < 30 && seen.size < 2; i++) seen.add((await lab('curl', '192.168.155.150')).out.trim());
  assert.deepEqual([...seen].sort(), ['lab-worker-1', 'lab-worker-2'], 'curl from the client reaches both nodes');
  const bfd = await poll('BFD up on both sessions', async () => {
    const r = await lab('vtysh', 'router', '-c', 'show bfd peers brief');
    return (r.out.match(/\bup\b/g) ?? []).length === 2 ? r.out : undefined;
  }, 60_000);
  assert.match(bfd, /192\.168\.133\.71/);
});

test('re-created with loadBalancerIP .151 and the pool annotation, it gets .151', async () => {
  assert.equal((await lab('kubectl', 'delete', 'svc', 'demo', '-n', 'demo')).code, 0);
  const { writeFileSync } = await import('node:fs');
  const file = '/tmp/metallb-lab-test-svc.json';
  writeFileSync(file, SERVICE_151);
  assert.equal((await lab('apply', '-f', file)).code, 0);
  await poll('.151', async () => ((await lab('kubectl', 'get', 'svc', 'demo', '-n', 'demo', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}')).out === '192.168.155.151' ? true : undefined), 30_000);
  await poll('.151 reachable from the client', async () => ((await lab('curl', '192.168.155.151')).out.startsWith('lab-worker') ? true : undefined), 30_000);
});

test('the node\'s running config shows the seed\'s lines', async () => {
  const r = await lab('vtysh', 'lab-worker-1', '-c', 'show running-config');
  for (const line of ['router bgp 64520', ' neighbor 192.168.133.1 remote-as 64521', ' neighbor 192.168.133.1 bfd profile test-bfd-prof', ' neighbor 192.168.133.1 timers 30 90', ' profile test-bfd-prof', '  detect-multiplier 37', '  passive-mode', '  echo-mode', '  minimum-ttl 10']) {
    assert.ok(r.out.split('\n').includes(line), `missing "${line}"`);
  }
});

test('up twice is harmless; down leaves no process, namespace or state', async () => {
  const again = await lab('up');
  assert.equal(again.code, 0);
  assert.match(again.err, /already up/);
  const s = readState()!;
  const pids = Object.values(s.pids);
  const namespaces = [...s.namespaces];
  assert.equal((await lab('down')).code, 0);
  assert.equal(readState(), undefined);
  assert.deepEqual(pids.filter(alive), []);
  assert.deepEqual(namespaces.filter((ns) => existsSync(`/run/netns/${ns}`)), []);
});
