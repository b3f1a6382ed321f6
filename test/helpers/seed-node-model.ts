// Example models shared by the golden tests, the real-FRR tests and the benchmarks. Seed 002 is the
// OpenShift BGP walkthrough: a node in AS 64520 peering with the router 192.168.133.1 (AS 64521)
// with BFD profile test-bfd-prof, announcing Service IPs from 192.168.155.150/32 on.
import type { Advertisement, BfdProfileConfig, FrrConfig, NeighborConfig } from '../../src/speaker/frr/model.js';

export const SEED_ROUTER_IP = '192.168.133.1';
export const SEED_ROUTER_ASN = 64521;
export const SEED_NODE_ASN = 64520;

export const SEED_BFD_PROFILE: BfdProfileConfig = {
  name: 'test-bfd-prof',
  detectMultiplier: 37,
  echoMode: true,
  minimumTtl: 10,
  passiveMode: true,
  receiveInterval: 35,
  transmitInterval: 35,
};

/** The config a seed-002 worker node gets, announcing `advertisements` (IPv4) to the router. */
export function seedNodeModel(nodeIp: string, advertisements: Advertisement[] = [], extra: Partial<NeighborConfig> = {}): FrrConfig {
  return {
    hostname: undefined,
    logLevel: 'informational',
    routers: [
      {
        asn: SEED_NODE_ASN,
        routerId: nodeIp,
        neighbors: [
          {
            address: SEED_ROUTER_IP,
            remoteAsn: SEED_ROUTER_ASN,
            bfdProfile: SEED_BFD_PROFILE.name,
            families: { ipv4: { advertisements: advertisements.map((a) => ({ ...a })) }, ipv6: { advertisements: [] } },
            ...extra,
          },
        ],
        networks: { ipv4: advertisements.map((a) => a.prefix), ipv6: [] },
      },
    ],
    bfdProfiles: [{ ...SEED_BFD_PROFILE }],
  };
}

/** `count` consecutive /32s from 10.<a>.<b>.<c> on, for scale tests and benchmarks. */
export function hostPrefixes(count: number, start = 0, base = 10 << 24 | 200 << 16): string[] {
  const out: string[] = [];
  for (let i = start; i < start + count; i++) {
    const v = base + i;
    out.push(`${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}/32`);
  }
  return out;
}
