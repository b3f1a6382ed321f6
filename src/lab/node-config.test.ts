import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeConfigFiles } from './node-config.js';
import { assertGolden } from '../../test/helpers/golden.js';

const input = {
  name: 'lab-worker-1', ip: '192.168.133.71', dir: '/lab/nodes/lab-worker-1', podCIDR: '10.244.1.0/24', clusterCIDR: '10.244.0.0/16',
  cgroupRoot: 'mlb-lab-lab-worker-1', clusterDNS: '10.96.0.10', pauseImage: 'registry.k8s.io/pause:3.10.1', cniBinDir: '/usr/lib/cni',
};

test('a node\'s containerd, CNI, kubelet and kube-proxy configuration (golden)', () => {
  const files = nodeConfigFiles(input);
  assertGolden(import.meta.url, 'node-config', [...files].map(([name, body]) => `==> ${name} <==\n${body}`).join('\n'));
});

test('every path and the cgroup are the node\'s own: two nodes share none', () => {
  const a = [...nodeConfigFiles(input).values()].join('\n');
  const b = [...nodeConfigFiles({ ...input, name: 'lab-worker-2', ip: '192.168.133.72', dir: '/lab/nodes/lab-worker-2', podCIDR: '10.244.2.0/24', cgroupRoot: 'mlb-lab-lab-worker-2' }).values()].join('\n');
  assert.doesNotMatch(b, /lab-worker-1/);
  assert.match(a, /restrict_oom_score_adj = true/);
  assert.match(b, /10\.244\.2\.0\/24/);
});
