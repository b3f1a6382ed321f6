// The `addresses` list shared by IPAddressPool, AddressPool and the legacy ConfigMap.
import { s } from './s.js';
import { isCanonicalCIDR, isAddressRange } from './netcheck.js';

const address = s
  .str({ description: 'A CIDR ("192.168.10.0/24") or an inclusive range ("192.168.10.10-192.168.10.20")', minLength: 1, maxLength: 100 })
  .rule({
    rule:
      "isCIDR(self) ? cidr(self).ip() == cidr(self).masked().ip() : " +
      "(self.split('-').size() == 2 && isIP(self.split('-')[0].trim()) && isIP(self.split('-')[1].trim()) && " +
      "ip(self.split('-')[0].trim()).family() == ip(self.split('-')[1].trim()).family())",
    message: 'each address must be a CIDR with no host bits set (192.168.10.0/24) or a range of two addresses of one family (192.168.10.10-192.168.10.20)',
    check: (v) => (isCanonicalCIDR(v) || isAddressRange(v)),
  });

export const addressList = s.arr(address, {
  description: 'The addresses of the pool: CIDRs and/or ranges, IPv4 and/or IPv6.',
  minItems: 1,
  maxItems: 1000,
});
