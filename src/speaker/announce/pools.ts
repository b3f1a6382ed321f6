// Which pool an IP belongs to, and the prefix it is announced as (pure).
import { celIsIP, ipFamily, ipToBigInt } from '../../api/netcheck.js';
import type { PoolView } from './snapshot.js';
import { formatIPv6 } from '../frr/ipaddr.js';

interface Span {
  family: 4 | 6;
  first: bigint;
  last: bigint;
}

function span(entry: string): Span | undefined {
  const slash = entry.indexOf('/');
  if (slash > 0) {
    const ip = entry.slice(0, slash);
    if (!celIsIP(ip)) return undefined;
    const family = ipFamily(ip);
    const bits = family === 4 ? 32 : 128;
    const len = Number(entry.slice(slash + 1));
    const host = (1n << BigInt(bits - len)) - 1n;
    const first = ipToBigInt(ip) & ~host;
    return { family, first, last: first | host };
  }
  const [a, b] = entry.split('-').map((x) => x.trim());
  if (!a || !b || !celIsIP(a) || !celIsIP(b)) return undefined;
  return { family: ipFamily(a), first: ipToBigInt(a), last: ipToBigInt(b) };
}

// A pool's ranges, parsed once per snapshot object rather than once per Service IP.
const spans = new WeakMap<PoolView, Span[]>();

export function poolContains(pool: PoolView, ip: string): boolean {
  if (!celIsIP(ip)) return false;
  const family = ipFamily(ip);
  const v = ipToBigInt(ip);
  let list = spans.get(pool);
  if (!list) spans.set(pool, (list = pool.addresses.map(span).filter((x): x is Span => x !== undefined)));
  return list.some((s) => s.family === family && v >= s.first && v <= s.last);
}

/** The pool of an IP: the one the controller recorded if it still holds the IP, else the first that does. */
export function poolOf(pools: readonly PoolView[], ip: string, hint?: string): PoolView | undefined {
  const hinted = hint ? pools.find((p) => p.name === hint) : undefined;
  if (hinted && poolContains(hinted, ip)) return hinted;
  return pools.find((p) => poolContains(p, ip));
}

function bigIntToIp(v: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((sh) => Number((v >> sh) & 255n)).join('.');
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = Number((v >> BigInt((15 - i) * 8)) & 255n);
  return formatIPv6(bytes);
}

/** The prefix an IP is announced as with an aggregation length: 192.168.5.7 /24 → 192.168.5.0/24. */
export function aggregate(ip: string, length: number): string {
  const family = ipFamily(ip);
  const bits = family === 4 ? 32 : 128;
  const host = (1n << BigInt(bits - length)) - 1n;
  return `${bigIntToIp(ipToBigInt(ip) & ~host, family)}/${length}`;
}
