import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_EXCLUDED_INTERFACES, defaultExcludeL2, parseExcludeL2, renderExcludeL2 } from './excludel2.js';

test('the default list excludes CNI and OVN-Kubernetes interfaces, not the node uplinks', () => {
  const ex = defaultExcludeL2();
  const excluded = (name: string): boolean => ex.some((r) => r.test(name));
  for (const n of ['docker0', 'cni0', 'veth1a2b', 'lo', 'cali123', 'flannel.1', 'br-int', 'ovn-k8s-mp0', 'genev_sys_6081', 'kube-ipvs0', 'lxc12']) assert.ok(excluded(n), n);
  for (const n of ['eth0', 'ens3', 'bond0', 'bond0.100', 'br-ex', 'enp1s0f0', 'eth1']) assert.ok(!excluded(n), n);
});

test('parse: the rendered default round-trips; bad input is named, not guessed', () => {
  const r = parseExcludeL2(renderExcludeL2(DEFAULT_EXCLUDED_INTERFACES));
  assert.ok('patterns' in r);
  assert.deepEqual(r.patterns, DEFAULT_EXCLUDED_INTERFACES);
  assert.deepEqual(parseExcludeL2('announcedInterfacesToExclude: ["^eth1$"]'), { patterns: ['^eth1$'], regexps: [/^eth1$/] });
  assert.deepEqual(parseExcludeL2('{}'), { patterns: [], regexps: [] });
  assert.match((parseExcludeL2('announcedInterfacesToExclude: ["("]') as { error: string }).error, /announcedInterfacesToExclude\[0\] "\(" is not a regular expression/);
  assert.match((parseExcludeL2('announcedInterfacesToExclude: eth0') as { error: string }).error, /must be a list of strings/);
  assert.match((parseExcludeL2('a: [') as { error: string }).error, /is not YAML/);
  assert.match((parseExcludeL2(undefined) as { error: string }).error, /no "excludel2.yaml" key/);
});
