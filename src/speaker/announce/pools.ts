// The pool of a Service IP and the prefix it is announced as, for the planners: the snapshot's
// pool views read through the one address model (src/net) and its poolContaining(), the rule the
// controller allocates by. Pure.
import { parseIP } from '../../net/address.js';
import { poolContaining } from '../../net/pool-containing.js';
import { aggregate as aggregatePrefix, formatPrefix } from '../../net/prefix.js';
import { parseRange, type IPRange } from '../../net/range.js';
import type { PoolView } from './snapshot.js';

// A pool's ranges, parsed once per snapshot object rather than once per Service IP. Entries that
// are not valid (which the webhook refuses) hold nothing, as in the controller.
const ranges = new WeakMap<PoolView, IPRange[]>();

function rangesOf(pool: PoolView): IPRange[] {
  let list = ranges.get(pool);
  if (!list) ranges.set(pool, (list = pool.addresses.map(parseRange).filter((r): r is IPRange => r !== undefined)));
  return list;
}

/** The pool of an IP: the one the controller recorded if it still holds the IP, else the first by name that does. */
export function poolOf(pools: readonly PoolView[], ip: string, hint?: string): PoolView | undefined {
  const addr = parseIP(ip);
  return addr && poolContaining(pools, addr, rangesOf, hint);
}

/** The prefix an IP is announced as with an aggregation length: 192.168.5.7 /24 → 192.168.5.0/24. */
export function aggregate(ip: string, length: number): string {
  const addr = parseIP(ip);
  return addr ? formatPrefix(aggregatePrefix(addr, length)) : `${ip}/${length}`;
}
