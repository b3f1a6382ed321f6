// coverPrefixes: the fewest entries that select exactly a set among the router's own prefixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockList } from 'node:net';
import { coverPrefixes } from './prefix-cover.js';

/** What a list of entries selects among `universe`, evaluated the way FRR matches them (node's BlockList as the oracle for containment). */
function selects(entries: string[], universe: string[]): string[] {
  return universe.filter((u) => {
    const [ip, len] = u.split('/') as [string, string];
    const family = ip.includes(':') ? 'ipv6' : 'ipv4';
    return entries.some((e) => {
      const [range, le] = e.split(' le ') as [string, string | undefined];
      const [net, rlen] = range.split('/') as [string, string];
      const within = new BlockList();
      within.addSubnet(net, Number(rlen), family);
      return within.check(ip, family) && (le === undefined ? Number(len) === Number(rlen) : Number(len) >= Number(rlen) && Number(len) <= Number(le));
    });
  });
}

test('a peer that gets every prefix: one range, whatever the Services', () => {
  const u = ['192.168.155.150/32', '192.168.155.151/32', '10.1.0.0/24'];
  assert.deepEqual(coverPrefixes(u, u), ['0.0.0.0/0 le 32']);
  assert.deepEqual(coverPrefixes(['2001:db8::1/128'], ['2001:db8::1/128']), ['::/0 le 128']);
});

test('nothing to select: no entry', () => {
  assert.deepEqual(coverPrefixes([], ['10.0.0.1/32']), []);
  assert.deepEqual(coverPrefixes([], []), []);
});

test('a subset: ranges that stop at the prefixes it must not select', () => {
  const u = ['10.0.0.1/32', '10.0.0.2/32', '10.0.1.7/32', '192.168.5.1/32'];
  const set = ['10.0.0.1/32', '10.0.0.2/32', '192.168.5.1/32'];
  const e = coverPrefixes(set, u);
  assert.deepEqual(selects(e, u), set);
  assert.ok(e.length <= 3, e.join(', '));
});

test('aggregates: a shorter prefix is matched exactly, the longer ones by range', () => {
  const u = ['10.0.0.0/24', '10.0.0.5/32', '10.0.0.9/32'];
  for (const set of [['10.0.0.0/24'], ['10.0.0.5/32'], ['10.0.0.0/24', '10.0.0.9/32'], u]) {
    assert.deepEqual(selects(coverPrefixes(set, u), u).sort(), [...set].sort(), `set ${set.join(',')}`);
  }
});

test('exact on random sets, both families, and stable under a new member of the set', () => {
  let seed = 7;
  const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  for (let round = 0; round < 200; round++) {
    const v6 = round % 2 === 1;
    const u = [...new Set(Array.from({ length: 1 + rnd(40) }, () => (v6 ? `2001:db8::${rnd(300).toString(16)}/128` : `10.0.${rnd(4)}.${rnd(256)}/32`)))];
    const set = u.filter(() => rnd(3) > 0);
    assert.deepEqual(selects(coverPrefixes(set, u), u), set, `universe ${u.join(',')} set ${set.join(',')}`);
  }
  // A new Service whose IP goes to the same peers changes no entry.
  const u = ['10.0.0.1/32', '10.0.0.2/32'];
  assert.deepEqual(coverPrefixes([...u, '10.0.0.3/32'], [...u, '10.0.0.3/32']), coverPrefixes(u, u));
});
