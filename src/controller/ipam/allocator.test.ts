// Table tests for the allocator: every rule, as steps (allocate / release / restore / setPools)
// against pools, each checking the IPs or the reason. The seed fixtures, read from YAML, are in
// seeds.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Allocator } from './allocator.js';
import { parseRange } from '../../net/range.js';
import type { PoolSpec, PoolUsage, ServiceRequest } from './types.js';

const pool = (name: string, addrs: string[], extra: Partial<PoolSpec> = {}): PoolSpec => ({
  name,
  ranges: addrs.map((a) => parseRange(a) ?? assert.fail(`bad range ${a}`)),
  autoAssign: true,
  avoidBuggyIPs: false,
  ...extra,
});

/** A Service "name" (or "ns/name") with defaults: IPv4 single-stack, port 80/TCP, ETP Cluster. */
function svc(name: string, extra: Partial<ServiceRequest> = {}): ServiceRequest {
  const [namespace, short] = name.includes('/') ? name.split('/') as [string, string] : ['default', name];
  return {
    key: `${namespace}/${short}`, namespace, labels: {}, namespaceLabels: {}, families: [4], familyPolicy: 'SingleStack', requestedIPs: [],
    ports: [{ port: 80, protocol: 'TCP' }], externalTrafficPolicy: 'Cluster', backendKey: 'app=x', ...extra,
  };
}

type Step =
  | { allocate: string; with?: Partial<ServiceRequest>; ips?: string[]; pool?: string; error?: RegExp }
  | { restore: string; ips: string[]; with?: Partial<ServiceRequest>; hint?: string; error?: RegExp }
  | { release: string }
  | { setPools: PoolSpec[]; lost: string[] }
  | { usage: string; is: Partial<PoolUsage> }
  | { assignment: string; is: { pool: string; ips: string[] } | undefined };

interface Case {
  name: string;
  pools: PoolSpec[];
  steps: Step[];
}

const key = (name: string): string => svc(name).key;

const cases: Case[] = [
  // ---- lowest free address first, from pool entries of every form
  { name: 'seed 002 pool: six /32s give .150 first, then .151', pools: [pool('address-pool-bgp', ['192.168.155.150/32', '192.168.155.151/32', '192.168.155.152/32', '192.168.155.153/32', '192.168.155.154/32', '192.168.155.155/32'])],
    steps: [{ allocate: 'a', ips: ['192.168.155.150'] }, { allocate: 'b', ips: ['192.168.155.151'] }] },
  { name: 'seed 002: requested .151 with the pool annotation', pools: [pool('address-pool-bgp', ['192.168.155.150/32', '192.168.155.151/32', '192.168.155.152/32'])],
    steps: [{ allocate: 'test-metallb/test-frr', with: { requestedIPs: ['192.168.155.151'], requestedPool: 'address-pool-bgp' }, ips: ['192.168.155.151'], pool: 'address-pool-bgp' }, { allocate: 'b', ips: ['192.168.155.150'] }] },
  { name: 'seed 003: requested 192.168.5.1 from 192.168.5.0/24', pools: [pool('p', ['192.168.5.0/24'])],
    steps: [{ allocate: 'a', with: { requestedIPs: ['192.168.5.1'] }, ips: ['192.168.5.1'] }, { allocate: 'b', ips: ['192.168.5.0'] }, { allocate: 'c', ips: ['192.168.5.2'] }] },
  { name: 'seed 001: 198.51.100.0/24 with avoid-buggy-ips gives .1', pools: [pool('p', ['198.51.100.0/24'], { avoidBuggyIPs: true })], steps: [{ allocate: 'a', ips: ['198.51.100.1'] }] },
  { name: 'seed 000: range 10.19.140.10-10.19.140.29 gives .10', pools: [pool('p', ['10.19.140.10-10.19.140.29'])], steps: [{ allocate: 'a', ips: ['10.19.140.10'] }, { allocate: 'b', ips: ['10.19.140.11'] }] },
  { name: 'seed 004: 10.128.54.230-10.128.54.239 gives .230', pools: [pool('p', ['10.128.54.230-10.128.54.239'])], steps: [{ allocate: 'a', ips: ['10.128.54.230'] }] },
  { name: 'the lowest address over all entries, whatever their order', pools: [pool('p', ['10.0.9.0/30', '10.0.1.4/30'])],
    steps: [{ allocate: 'a', ips: ['10.0.1.4'] }, { allocate: 'b', ips: ['10.0.1.5'] }] },
  { name: 'a released address is the next one handed out', pools: [pool('p', ['10.0.0.0/29'])],
    steps: [{ allocate: 'a', ips: ['10.0.0.0'] }, { allocate: 'b', ips: ['10.0.0.1'] }, { allocate: 'c', ips: ['10.0.0.2'] }, { release: 'b' }, { allocate: 'd', ips: ['10.0.0.1'] }, { allocate: 'e', ips: ['10.0.0.3'] }] },
  { name: 'pool exhausted, then freed', pools: [pool('tiny', ['10.0.0.1/32'])],
    steps: [{ allocate: 'a', ips: ['10.0.0.1'] }, { allocate: 'b', error: /^no available IPs in pool "tiny"$/ }, { release: 'a' }, { allocate: 'b', ips: ['10.0.0.1'] }] },
  { name: 'release is idempotent and unknown keys are ignored', pools: [pool('p', ['10.0.0.0/30'])],
    steps: [{ allocate: 'a', ips: ['10.0.0.0'] }, { release: 'a' }, { release: 'a' }, { release: 'nobody' }, { usage: 'p', is: { assignedIPv4: 0, availableIPv4: 4n } }] },

  // ---- avoidBuggyIPs
  { name: 'avoidBuggyIPs skips .255 and .0 across a /24 boundary', pools: [pool('p', ['10.0.0.254-10.0.1.2'], { avoidBuggyIPs: true })],
    steps: [{ usage: 'p', is: { availableIPv4: 3n } }, { allocate: 'a', ips: ['10.0.0.254'] }, { allocate: 'b', ips: ['10.0.1.1'] }, { allocate: 'c', ips: ['10.0.1.2'] }, { allocate: 'd', error: /no available IPs/ }, { usage: 'p', is: { assignedIPv4: 3, availableIPv4: 0n } }] },
  { name: 'avoidBuggyIPs refuses a requested .0, by IP or with the pool', pools: [pool('p', ['10.0.0.0/24'], { avoidBuggyIPs: true })],
    steps: [{ allocate: 'a', with: { requestedIPs: ['10.0.0.0'] }, error: /requested IP 10.0.0.0 ends in .0 or .255, which pool "p" avoids \(avoidBuggyIPs\)/ }, { allocate: 'b', with: { requestedIPs: ['10.0.0.255'], requestedPool: 'p' }, error: /avoidBuggyIPs/ }] },
  { name: 'without avoidBuggyIPs .0 is handed out', pools: [pool('p', ['198.51.100.0/24'])], steps: [{ allocate: 'a', ips: ['198.51.100.0'] }] },
  { name: 'avoidBuggyIPs never applies to IPv6', pools: [pool('p', ['2001:db8::/120'], { avoidBuggyIPs: true })], steps: [{ allocate: 'a', with: { families: [6] }, ips: ['2001:db8::'] }, { usage: 'p', is: { availableIPv6: 255n } }] },

  // ---- autoAssign
  { name: 'autoAssign false: only by pool name or by IP', pools: [pool('manual', ['10.1.0.0/30'], { autoAssign: false })],
    steps: [{ allocate: 'a', error: /no pool has autoAssign enabled/ }, { allocate: 'b', with: { requestedPool: 'manual' }, ips: ['10.1.0.0'] }, { allocate: 'c', with: { requestedIPs: ['10.1.0.3'] }, ips: ['10.1.0.3'], pool: 'manual' }] },
  { name: 'autoAssign false pools are skipped for auto-assignment', pools: [pool('a-manual', ['10.1.0.0/30'], { autoAssign: false }), pool('b-auto', ['10.2.0.0/30'])],
    steps: [{ allocate: 'a', ips: ['10.2.0.0'], pool: 'b-auto' }] },
  { name: 'no pools at all', pools: [], steps: [{ allocate: 'a', error: /^no IPAddressPool exists$/ }] },

  // ---- requested IPs and pools
  { name: 'requested IP errors say what is wrong', pools: [pool('p', ['10.0.0.0/30']), pool('q', ['10.0.1.0/30'])],
    steps: [
      { allocate: 'a', with: { requestedIPs: ['10.9.9.9'] }, error: /^requested IP 10.9.9.9 is not in any pool$/ },
      { allocate: 'b', with: { requestedIPs: ['10.0.1.1'], requestedPool: 'p' }, error: /^requested IP 10.0.1.1 is not in pool "p"$/ },
      { allocate: 'c', with: { requestedPool: 'nope' }, error: /^pool "nope" does not exist$/ },
      { allocate: 'c2', with: { requestedIPs: ['10.0.0.1'], requestedPool: 'nope' }, error: /^pool "nope" does not exist$/ },
      { allocate: 'd', with: { requestedIPs: ['10.0.0.1'] }, ips: ['10.0.0.1'] },
      { allocate: 'e', with: { requestedIPs: ['10.0.0.1'] }, error: /^IP 10.0.0.1 is already in use by default\/d \(not shared/ },
      { allocate: 'f', with: { requestedIPs: ['banana'] }, error: /^requested IP "banana" is not an IP address$/ },
      { allocate: 'g', with: { requestedIPs: ['10.0.0.1', '10.0.0.2'] }, error: /requested IPs 10.0.0.1 and 10.0.0.2 are both IPv4/ },
      { allocate: 'h', with: { requestedIPs: ['2001:db8::1'] }, error: /requested IP 2001:db8::1 is IPv6, but the Service asks for IPv4/ },
      { allocate: 'i', with: { requestedIPs: ['10.0.0.2'], families: [4, 6], familyPolicy: 'RequireDualStack' }, error: /requires dual-stack \(RequireDualStack\) but requests only 10.0.0.2/ },
      { allocate: 'j', with: { requestedIPs: ['10.0.0.2', '10.0.1.2'], families: [4, 6], familyPolicy: 'PreferDualStack' }, error: /both IPv4/ },
      { allocate: 'k', with: { requestedIPs: ['::ffff:10.0.0.2'] }, error: /IPv4-mapped IPv6 address; write the IPv4 address 10.0.0.2/ },
    ] },
  { name: 'requested IPs are canonicalized: one address, one owner', pools: [pool('p', ['2001:db8::/64'])],
    steps: [{ allocate: 'a', with: { families: [6], requestedIPs: ['2001:DB8:0::5'] }, ips: ['2001:db8::5'] }, { allocate: 'b', with: { families: [6], requestedIPs: ['2001:db8::0:5'] }, error: /IP 2001:db8::5 is already in use by default\/a/ }, { allocate: 'a', with: { families: [6], requestedIPs: ['2001:db8::5'] }, ips: ['2001:db8::5'] }] },
  { name: 'dual-stack requested IPs must be in one pool', pools: [pool('v4', ['10.0.0.0/30']), pool('v6', ['2001:db8::/120']), pool('dual', ['10.0.1.0/30', '2001:db8:1::/120'])],
    steps: [
      { allocate: 'a', with: { families: [4, 6], familyPolicy: 'RequireDualStack', requestedIPs: ['10.0.0.1', '2001:db8::1'] }, error: /requested IPs 10.0.0.1, 2001:db8::1 are not in one pool/ },
      { allocate: 'b', with: { families: [4, 6], familyPolicy: 'RequireDualStack', requestedIPs: ['2001:db8:1::7', '10.0.1.2'] }, ips: ['2001:db8:1::7', '10.0.1.2'], pool: 'dual' },
    ] },
  { name: 'a requested IP in two overlapping pools comes from the first by name that allows the Service', pools: [pool('b-open', ['10.0.0.0/24']), pool('a-closed', ['10.0.0.0/25'], { serviceAllocation: { namespaces: ['prod'] } })],
    steps: [{ allocate: 'a', with: { requestedIPs: ['10.0.0.5'] }, ips: ['10.0.0.5'], pool: 'b-open' }, { allocate: 'prod/b', with: { requestedIPs: ['10.0.0.6'] }, ips: ['10.0.0.6'], pool: 'a-closed' }] },

  // ---- serviceAllocation: priority and restrictions
  { name: 'priority orders pools: lower first, unset (or 0) last, then by name', pools: [
      pool('z-none', ['10.0.9.0/30'], { serviceAllocation: {} }),
      pool('y-zero', ['10.0.8.0/30'], { serviceAllocation: { priority: 0 } }),
      pool('c-20', ['10.0.3.0/30'], { serviceAllocation: { priority: 20 } }),
      pool('b-10', ['10.0.2.0/31'], { serviceAllocation: { priority: 10 } }),
      pool('a-10', ['10.0.1.0/32'], { serviceAllocation: { priority: 10 } }),
    ],
    steps: [{ allocate: 'a', pool: 'a-10' }, { allocate: 'b', pool: 'b-10' }, { allocate: 'c', pool: 'b-10' }, { allocate: 'd', pool: 'c-20' }, { allocate: 'e', pool: 'c-20' }, { allocate: 'f', pool: 'c-20' }, { allocate: 'g', pool: 'c-20' }, { allocate: 'h', pool: 'y-zero' }] },
  { name: 'pools with a serviceAllocation come before general pools (MetalLB), general pools by name', pools: [pool('a-general', ['10.0.1.0/30']), pool('z-dedicated', ['10.0.9.0/30'], { serviceAllocation: { namespaces: ['default'] } }), pool('b-general', ['10.0.2.0/30'])],
    steps: [{ allocate: 'a', pool: 'z-dedicated' }, { allocate: 'other/b', pool: 'a-general' }] },
  { name: 'namespaces, namespaceSelectors and serviceSelectors restrict pools', pools: [
      pool('z-low', ['10.0.9.0/30']),
      pool('a-prod', ['10.0.1.0/30'], { serviceAllocation: { priority: 10, namespaces: ['prod'] } }),
      pool('b-web', ['10.0.2.0/30'], { serviceAllocation: { priority: 5, serviceSelectors: [{ matchLabels: { app: 'web' } }] } }),
      pool('c-team', ['10.0.3.0/30'], { serviceAllocation: { priority: 1, namespaceSelectors: [{ matchExpressions: [{ key: 'team', operator: 'In', values: ['a'] }] }] } }),
    ],
    steps: [
      { allocate: 'x', ips: ['10.0.9.0'] },
      { allocate: 'prod/y', ips: ['10.0.1.0'] },
      { allocate: 'w', with: { labels: { app: 'web' } }, ips: ['10.0.2.0'] },
      { allocate: 't', with: { namespaceLabels: { team: 'a' }, labels: { app: 'web' } }, ips: ['10.0.3.0'] },
      { allocate: 'n', with: { requestedPool: 'a-prod' }, error: /^pool "a-prod" does not allow namespace "default" \(its serviceAllocation allows namespaces prod\)$/ },
      { allocate: 'r', with: { requestedIPs: ['10.0.1.3'] }, error: /pool "a-prod" does not allow namespace "default"/ },
      { allocate: 's', with: { requestedPool: 'b-web' }, error: /^pool "b-web" does not allow Service default\/s: its labels match none of the pool's serviceAllocation.serviceSelectors \(app=web\)$/ },
    ] },
  { name: 'namespaces and namespaceSelectors: either one admits the namespace', pools: [pool('p', ['10.0.0.0/30'], { autoAssign: true, serviceAllocation: { namespaces: ['a'], namespaceSelectors: [{ matchLabels: { env: 'dev' } }] } })],
    steps: [
      { allocate: 'a/s1', ips: ['10.0.0.0'] },
      { allocate: 'b/s2', with: { namespaceLabels: { env: 'dev' } }, ips: ['10.0.0.1'] },
      { allocate: 'c/s3', error: /^no pool allows this Service: pool "p" does not allow namespace "c" \(its serviceAllocation allows namespaces a and namespaces labelled env=dev\)$/ },
    ] },
  { name: 'namespace and Service restrictions must both hold', pools: [pool('p', ['10.0.0.0/30'], { serviceAllocation: { namespaces: ['a'], serviceSelectors: [{ matchLabels: { app: 'web' } }] } })],
    steps: [{ allocate: 'a/s1', error: /serviceSelectors/ }, { allocate: 'b/s2', with: { labels: { app: 'web' } }, error: /namespace "b"/ }, { allocate: 'a/s3', with: { labels: { app: 'web' } }, ips: ['10.0.0.0'] }] },
  { name: 'a full high-priority pool falls through to the next', pools: [pool('hi', ['10.0.1.0/32'], { serviceAllocation: { priority: 1 } }), pool('lo', ['10.0.2.0/32'], { serviceAllocation: { priority: 2 } })],
    steps: [{ allocate: 'a', pool: 'hi' }, { allocate: 'b', pool: 'lo' }, { allocate: 'c', error: /^no available IPs in pool "hi"; no available IPs in pool "lo"$/ }] },

  // ---- IP sharing
  { name: 'sharing: same key and disjoint ports share; clashes say why', pools: [pool('p', ['10.0.0.0/30'])],
    steps: [
      { allocate: 'a', with: { sharingKey: 'k', ports: [{ port: 80, protocol: 'TCP' }] }, ips: ['10.0.0.0'] },
      { allocate: 'b', with: { sharingKey: 'k', ports: [{ port: 443, protocol: 'TCP' }] }, ips: ['10.0.0.0'] },
      { allocate: 'u', with: { sharingKey: 'k', ports: [{ port: 80, protocol: 'UDP' }] }, ips: ['10.0.0.0'] },
      { allocate: 'c', with: { sharingKey: 'k', requestedIPs: ['10.0.0.0'], ports: [{ port: 80, protocol: 'tcp' }] }, error: /^IP 10.0.0.0 is shared with default\/a, which already uses port 80\/TCP$/ },
      { allocate: 'd', with: { sharingKey: 'other', requestedIPs: ['10.0.0.0'] }, error: /^IP 10.0.0.0 is already in use by default\/a \(different sharing key: "other" here, "k" on default\/a\)$/ },
      { allocate: 'n', with: { requestedIPs: ['10.0.0.0'], ports: [{ port: 8080, protocol: 'TCP' }] }, error: /different sharing key: none here, "k"/ },
      { allocate: 'e', with: { sharingKey: 'k', requestedIPs: ['10.0.0.0'], ports: [{ port: 53, protocol: 'UDP' }], externalTrafficPolicy: 'Local' }, error: /whose externalTrafficPolicy is Cluster: Services sharing an IP must all use Cluster, or all use Local and select the same pods/ },
      { allocate: 'f', with: { sharingKey: 'k', ports: [{ port: 80, protocol: 'TCP' }] }, ips: ['10.0.0.1'] },
      { release: 'a' }, { usage: 'p', is: { assignedIPv4: 2 } },
      { release: 'b' }, { release: 'u' }, { usage: 'p', is: { assignedIPv4: 1 } },
    ] },
  { name: 'sharing with externalTrafficPolicy Local needs the same pods', pools: [pool('p', ['10.0.0.0/30'])],
    steps: [
      { allocate: 'a', with: { sharingKey: 'k', externalTrafficPolicy: 'Local', backendKey: 'app=web' }, ips: ['10.0.0.0'] },
      { allocate: 'b', with: { sharingKey: 'k', externalTrafficPolicy: 'Local', backendKey: 'app=web', ports: [{ port: 53, protocol: 'UDP' }] }, ips: ['10.0.0.0'] },
      { allocate: 'c', with: { sharingKey: 'k', externalTrafficPolicy: 'Local', backendKey: 'app=db', ports: [{ port: 54, protocol: 'UDP' }], requestedIPs: ['10.0.0.0'] }, error: /which selects other pods: Services sharing an IP with externalTrafficPolicy Local must select the same pods/ },
      { allocate: 'd', with: { sharingKey: 'k', externalTrafficPolicy: 'Local', backendKey: 'app=db', ports: [{ port: 54, protocol: 'UDP' }] }, ips: ['10.0.0.1'] },
    ] },
  { name: 'auto-assignment takes the lowest address that is free or shareable (MetalLB)', pools: [pool('p', ['10.0.0.0/29'])],
    steps: [
      { allocate: 'x', ips: ['10.0.0.0'] },
      { allocate: 'a', with: { sharingKey: 'k' }, ips: ['10.0.0.1'] },
      { allocate: 'b', with: { sharingKey: 'k', ports: [{ port: 443, protocol: 'TCP' }] }, ips: ['10.0.0.1'] },
      { release: 'x' },
      { allocate: 'c', with: { sharingKey: 'k', ports: [{ port: 8443, protocol: 'TCP' }] }, ips: ['10.0.0.0'] },
    ] },
  { name: 'a sole holder may change its sharing key; the IP then shares under the new key', pools: [pool('p', ['10.0.0.0/30'])],
    steps: [
      { allocate: 'a', with: { sharingKey: 'k1' }, ips: ['10.0.0.0'] },
      { allocate: 'a', with: { sharingKey: 'k2' }, ips: ['10.0.0.0'] },
      { allocate: 'b', with: { sharingKey: 'k1', ports: [{ port: 443, protocol: 'TCP' }] }, ips: ['10.0.0.1'] },
      { allocate: 'c', with: { sharingKey: 'k2', ports: [{ port: 443, protocol: 'TCP' }] }, ips: ['10.0.0.0'] },
    ] },
  { name: 'a Service whose ports start clashing with a sharer moves to a new IP', pools: [pool('p', ['10.0.0.0/30'])],
    steps: [
      { allocate: 'a', with: { sharingKey: 'k' }, ips: ['10.0.0.0'] },
      { allocate: 'b', with: { sharingKey: 'k', ports: [{ port: 443, protocol: 'TCP' }] }, ips: ['10.0.0.0'] },
      { allocate: 'b', with: { sharingKey: 'k', ports: [{ port: 80, protocol: 'TCP' }] }, ips: ['10.0.0.1'] },
      { assignment: 'a', is: { pool: 'p', ips: ['10.0.0.0'] } },
    ] },

  // ---- dual-stack
  { name: 'RequireDualStack takes one IP per family from one pool', pools: [pool('a-v4only', ['10.0.0.0/30']), pool('b-dual', ['10.0.1.0/30', '2001:db8::/64'])],
    steps: [
      { allocate: 'r', with: { families: [4, 6], familyPolicy: 'RequireDualStack', requestedPool: 'a-v4only' }, error: /^pool "a-v4only" has no IPv6 addresses$/ },
      { allocate: 'd', with: { families: [4, 6], familyPolicy: 'RequireDualStack' }, ips: ['10.0.1.0', '2001:db8::'], pool: 'b-dual' },
      { allocate: 'e', with: { families: [6, 4], familyPolicy: 'RequireDualStack' }, ips: ['2001:db8::1', '10.0.1.1'], pool: 'b-dual' },
      { usage: 'b-dual', is: { assignedIPv4: 2, assignedIPv6: 2, availableIPv4: 2n, availableIPv6: (1n << 64n) - 2n } },
    ] },
  { name: 'RequireDualStack fails when one family is exhausted', pools: [pool('p', ['10.0.1.0/32', '2001:db8::/64'])],
    steps: [{ allocate: 'a', ips: ['10.0.1.0'] }, { allocate: 'd', with: { families: [4, 6], familyPolicy: 'RequireDualStack' }, error: /^no available IPs in pool "p" for IPv4$/ }] },
  { name: 'PreferDualStack prefers a pool with both families, else the primary family, else the other', pools: [pool('a-v6', ['2001:db8:6::/120']), pool('b-v4', ['10.0.0.0/30']), pool('c-dual', ['10.0.1.0/30', '2001:db8::/120'])],
    steps: [
      { allocate: 'p1', with: { families: [4, 6], familyPolicy: 'PreferDualStack' }, ips: ['10.0.1.0', '2001:db8::'], pool: 'c-dual' },
      { allocate: 'p2', with: { families: [4, 6], familyPolicy: 'PreferDualStack', requestedPool: 'b-v4' }, ips: ['10.0.0.0'] },
      { setPools: [pool('a-v6', ['2001:db8:6::/120']), pool('b-v4', ['10.0.0.0/30'])], lost: ['default/p1'] },
      { allocate: 'p3', with: { families: [4, 6], familyPolicy: 'PreferDualStack' }, ips: ['10.0.0.1'], pool: 'b-v4' },
      { allocate: 'p4', with: { families: [6, 4], familyPolicy: 'PreferDualStack' }, ips: ['2001:db8:6::'], pool: 'a-v6' },
      { setPools: [pool('b-v4', ['10.0.0.0/30'])], lost: ['default/p4'] },
      { allocate: 'p5', with: { families: [6, 4], familyPolicy: 'PreferDualStack' }, ips: ['10.0.0.2'], pool: 'b-v4' },
    ] },
  { name: 'PreferDualStack gains its missing family when its pool gets one, keeping its IP', pools: [pool('p', ['10.0.0.0/30'])],
    steps: [
      { allocate: 'a', ips: ['10.0.0.0'] },
      { allocate: 'd', with: { families: [4, 6], familyPolicy: 'PreferDualStack' }, ips: ['10.0.0.1'] },
      { release: 'a' },
      { setPools: [pool('p', ['10.0.0.0/30', '2001:db8::/120'])], lost: [] },
      { allocate: 'd', with: { families: [4, 6], familyPolicy: 'PreferDualStack' }, ips: ['10.0.0.1', '2001:db8::'] },
      { allocate: 'd', with: { families: [4], familyPolicy: 'SingleStack' }, ips: ['10.0.0.1'] },
      { usage: 'p', is: { assignedIPv6: 0 } },
    ] },
  { name: 'SingleStack IPv6 and the family order of spec.ipFamilies', pools: [pool('p', ['10.0.0.0/30', '2001:db8::/64'])],
    steps: [{ allocate: 's6', with: { families: [6] }, ips: ['2001:db8::'] }, { allocate: 's64', with: { families: [6, 4], familyPolicy: 'SingleStack' }, ips: ['2001:db8::1'] }] },

  // ---- keeping what a Service has
  { name: 'an allocated Service keeps its IP on every later call', pools: [pool('p', ['10.0.0.0/30'])],
    steps: [{ allocate: 'a', ips: ['10.0.0.0'] }, { allocate: 'b', ips: ['10.0.0.1'] }, { release: 'a' }, { allocate: 'b', ips: ['10.0.0.1'] }] },
  { name: 'a new requested IP moves the Service; a request that cannot be met keeps what it has', pools: [pool('p', ['10.0.0.0/30'])],
    steps: [
      { allocate: 'a', ips: ['10.0.0.0'] },
      { allocate: 'a', with: { requestedIPs: ['10.0.0.3'] }, ips: ['10.0.0.3'] },
      { allocate: 'a', with: { requestedIPs: ['10.9.9.9'] }, error: /not in any pool/ },
      { assignment: 'a', is: { pool: 'p', ips: ['10.0.0.3'] } },
      { allocate: 'b', ips: ['10.0.0.0'] },
      { allocate: 'c', with: { requestedIPs: ['10.0.0.3'] }, error: /already in use by default\/a/ },
      { allocate: 'a', with: { requestedIPs: ['banana'] }, error: /not an IP address/ },
      { assignment: 'a', is: { pool: 'p', ips: ['10.0.0.3'] } },
    ] },
  { name: 'changing the requested pool moves the Service; a namespace no longer allowed too', pools: [pool('a', ['10.0.1.0/30']), pool('b', ['10.0.2.0/30'], { serviceAllocation: { namespaces: ['default'] } })],
    steps: [
      { allocate: 's', ips: ['10.0.2.0'], pool: 'b' },
      { allocate: 's', with: { requestedPool: 'a' }, ips: ['10.0.1.0'], pool: 'a' },
      { allocate: 's', ips: ['10.0.1.0'], pool: 'a' },
      { allocate: 't', ips: ['10.0.2.0'], pool: 'b' },
      { setPools: [pool('a', ['10.0.1.0/30']), pool('b', ['10.0.2.0/30'], { serviceAllocation: { namespaces: ['prod'] } })], lost: [] },
      { allocate: 't', ips: ['10.0.1.1'], pool: 'a' },
    ] },

  // ---- restore (controller restart)
  { name: 'restore keeps IPs exactly, outside auto-assignment and priority rules', pools: [pool('p', ['10.0.0.0/24']), pool('m', ['10.0.1.0/24'], { autoAssign: false })],
    steps: [
      { restore: 'a', ips: ['10.0.0.77'] },
      { restore: 'b', ips: ['10.0.1.5'] },
      { allocate: 'a', ips: ['10.0.0.77'] },
      { allocate: 'b', ips: ['10.0.1.5'], pool: 'm' },
      { allocate: 'c', ips: ['10.0.0.0'] },
      { restore: 'd', ips: ['10.0.0.0'], error: /^IP 10.0.0.0 is already in use by default\/c/ },
      { restore: 'e', ips: ['10.2.0.1'], error: /^IP 10.2.0.1 is not in any pool$/ },
      { restore: 'f', ips: ['nope'], error: /^IP "nope" is not an IP address$/ },
    ] },
  { name: 'restore takes the hinted pool when pools overlap, and canonical IP text', pools: [pool('a', ['2001:db8::/64']), pool('b', ['2001:db8::/120'])],
    steps: [{ restore: 'x', ips: ['2001:DB8::0:10'], hint: 'b', with: { families: [6] } }, { assignment: 'x', is: { pool: 'b', ips: ['2001:db8::10'] } }, { restore: 'y', ips: ['2001:db8::11'], with: { families: [6] } }, { assignment: 'y', is: { pool: 'a', ips: ['2001:db8::11'] } }] },
  { name: 'restored sharers share; a restored non-sharer conflicts', pools: [pool('p', ['10.0.0.0/30'])],
    steps: [
      { restore: 'a', ips: ['10.0.0.2'], with: { sharingKey: 'k' } },
      { restore: 'b', ips: ['10.0.0.2'], with: { sharingKey: 'k', ports: [{ port: 443, protocol: 'TCP' }] } },
      { restore: 'c', ips: ['10.0.0.2'], error: /already in use/ },
      { usage: 'p', is: { assignedIPv4: 1, availableIPv4: 3n } },
    ] },

  // ---- pool edits
  { name: 'setPools keeps what still fits and reports who lost their IP, sorted', pools: [pool('p', ['10.0.0.0/24']), pool('q', ['10.0.1.0/24'])],
    steps: [
      { restore: 'z', ips: ['10.0.1.9'] }, { restore: 'a', ips: ['10.0.0.77'] }, { restore: 'b', ips: ['10.0.1.5'] },
      { setPools: [pool('p', ['10.0.0.0/24'])], lost: ['default/b', 'default/z'] },
      { assignment: 'a', is: { pool: 'p', ips: ['10.0.0.77'] } },
      { assignment: 'b', is: undefined },
      { usage: 'p', is: { assignedIPv4: 1, availableIPv4: 255n } },
      { usage: 'q', is: undefined as never },
      { allocate: 'b', ips: ['10.0.0.0'] },
    ] },
  { name: 'an IP that moves to another pool is kept, under the new pool', pools: [pool('old', ['10.0.0.0/24'])],
    steps: [{ allocate: 'a', ips: ['10.0.0.0'] }, { setPools: [pool('new', ['10.0.0.0/16'])], lost: [] }, { assignment: 'a', is: { pool: 'new', ips: ['10.0.0.0'] } }, { allocate: 'b', ips: ['10.0.0.1'], pool: 'new' }] },
  { name: 'turning on avoidBuggyIPs takes a .0 away', pools: [pool('p', ['10.0.0.0/24'])],
    steps: [{ allocate: 'a', ips: ['10.0.0.0'] }, { allocate: 'b', ips: ['10.0.0.1'] }, { setPools: [pool('p', ['10.0.0.0/24'], { avoidBuggyIPs: true })], lost: ['default/a'] }, { allocate: 'a', ips: ['10.0.0.2'] }] },
  { name: 'a dual-stack assignment split over two pools by an edit is lost', pools: [pool('p', ['10.0.0.0/30', '2001:db8::/120'])],
    steps: [{ allocate: 'd', with: { families: [4, 6], familyPolicy: 'RequireDualStack' }, ips: ['10.0.0.0', '2001:db8::'] }, { setPools: [pool('p', ['10.0.0.0/30']), pool('q', ['2001:db8::/120'])], lost: ['default/d'] }] },

  // ---- overlapping pools never hand out one address twice
  { name: 'overlapping pools: an address handed out by one is taken from the other', pools: [pool('a', ['10.0.0.0/30'], { serviceAllocation: { namespaces: ['x'] } }), pool('b', ['10.0.0.0/29'])],
    steps: [
      { allocate: 'x/1', ips: ['10.0.0.0'], pool: 'a' },
      { allocate: 'y/2', ips: ['10.0.0.1'], pool: 'b' },
      { allocate: 'x/3', ips: ['10.0.0.2'], pool: 'a' },
      { usage: 'a', is: { assignedIPv4: 2, availableIPv4: 1n } },
      { usage: 'b', is: { assignedIPv4: 1, availableIPv4: 5n } },
      { release: 'x/1' },
      { allocate: 'y/4', ips: ['10.0.0.0'], pool: 'b' },
      { setPools: [pool('b', ['10.0.0.0/29']), pool('a', ['10.0.0.0/30'], { serviceAllocation: { namespaces: ['x'] } })], lost: [] },
      { allocate: 'x/5', ips: ['10.0.0.3'], pool: 'a' },
      { allocate: 'x/6', ips: ['10.0.0.4'], pool: 'b' },
    ] },

  // ---- usage counts
  { name: 'usage per family with exact bigint counts for a /64', pools: [pool('v6', ['2001:db8::/64']), pool('mix', ['10.0.0.0/16', '2001:db8:1::/64'], { avoidBuggyIPs: true })],
    steps: [
      { usage: 'v6', is: { assignedIPv4: 0, assignedIPv6: 0, availableIPv4: 0n, availableIPv6: 1n << 64n } },
      { usage: 'mix', is: { availableIPv4: 65536n - 512n, availableIPv6: 1n << 64n } },
      { allocate: 'a', with: { families: [6], requestedPool: 'v6' }, ips: ['2001:db8::'] },
      { usage: 'v6', is: { assignedIPv6: 1, availableIPv6: (1n << 64n) - 1n } },
      { usage: 'nope', is: undefined as never },
    ] },
];

for (const c of cases) {
  test(c.name, () => {
    const a = new Allocator(c.pools);
    c.steps.forEach((step, i) => {
      const at = `step ${i + 1}: ${JSON.stringify(step, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof RegExp ? String(v) : v))}`;
      if ('allocate' in step || 'restore' in step) {
        const name = 'allocate' in step ? step.allocate : step.restore;
        const s = svc(name, step.with);
        const r = 'allocate' in step ? a.allocate(s) : a.restore(s, step.ips, step.hint);
        if (step.error) {
          assert.ok(!r.ok, `${at}: expected a failure, got ${r.ok ? r.ips.join(',') : ''}`);
          assert.match(r.reason, step.error, at);
          return;
        }
        assert.ok(r.ok, `${at}: ${r.ok ? '' : r.reason}`);
        if ('allocate' in step && step.ips) assert.deepEqual(r.ips, step.ips, at);
        if ('allocate' in step && step.pool) assert.equal(r.pool, step.pool, at);
        assert.deepEqual(a.assignment(s.key), { pool: r.pool, ips: r.ips }, at);
      } else if ('release' in step) a.release(key(step.release));
      else if ('setPools' in step) assert.deepEqual(a.setPools(step.setPools), step.lost, at);
      else if ('usage' in step) {
        const u = a.usage(step.usage);
        if (step.is === undefined) assert.equal(u, undefined, at);
        else for (const [k, v] of Object.entries(step.is)) assert.equal(u?.[k as keyof PoolUsage], v, `${at}: ${k}`);
      } else assert.deepEqual(a.assignment(key(step.assignment)), step.is, at);
    });
  });
}

test('pool order in the input never changes the result', () => {
  const pools = [pool('b', ['10.0.2.0/30']), pool('a', ['10.0.1.0/30']), pool('c', ['10.0.3.0/30'], { serviceAllocation: { priority: 3 } })];
  const run = (ps: PoolSpec[]): string[] => {
    const a = new Allocator(ps);
    return Array.from({ length: 10 }, (_, i) => a.allocate(svc(`s${i}`))).map((r) => (r.ok ? r.ips[0]! : r.reason));
  };
  assert.deepEqual(run(pools), run([...pools].reverse()));
  assert.deepEqual(run(pools).slice(0, 5), ['10.0.3.0', '10.0.3.1', '10.0.3.2', '10.0.3.3', '10.0.1.0']);
});

test('the free structure does not grow with the pool: a /64 and a /28 hold one interval each', () => {
  for (const cidr of ['2001:db8::/64', '10.0.0.0/28']) {
    const fam = cidr.includes(':') ? 6 : 4;
    const a = new Allocator([pool('p', [cidr])]);
    for (let i = 0; i < 10; i++) assert.ok(a.allocate(svc(`s${i}`, { families: [fam] })).ok);
    const state = (a as unknown as { pools: Map<string, { intervals(f: 4 | 6): number }> }).pools.get('p')!;
    assert.equal(state.intervals(fam), 1, cidr);
  }
});
