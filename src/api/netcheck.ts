// TypeScript twins of the CEL IP/CIDR functions the CRDs use (isIP, isCIDR, cidr().masked()), so the
// offline validator and the webhook agree with the apiserver. Built on the one address model
// (src/net), which refuses zones and IPv4-mapped IPv6 as CEL does.
import { ipFamily, parseIP } from '../net/address.js';
import { isNetwork, parsePrefix } from '../net/prefix.js';

/** CEL's isIP(): a plain IPv4 or IPv6 address, no zone, no IPv4-mapped IPv6 form. */
export function celIsIP(text: string): boolean {
  return parseIP(text) !== undefined;
}

/** CEL's isCIDR(self) && cidr(self) is its own masked form (no host bits set). */
export function isCanonicalCIDR(text: string): boolean {
  const p = parsePrefix(text);
  return p !== undefined && isNetwork(p);
}

/** "a-b" with two addresses of one family (spaces around '-' allowed, as MetalLB allows them). */
export function isAddressRange(text: string): boolean {
  const parts = text.split('-');
  if (parts.length !== 2) return false;
  const [a, b] = parts.map((p) => ipFamily(p.trim()));
  return a !== undefined && a === b;
}
