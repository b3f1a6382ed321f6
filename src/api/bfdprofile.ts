// BFDProfile: BFD session parameters a BGPPeer refers to by name. Ranges are FRR 8.4's.
import { s } from './s.js';
import type { Infer } from './schema-compound.js';
import type { KindDef } from './kind.js';
import type { Resource } from './common.js';

/** FRR 8.4's ranges; the speaker checks its render model against the same numbers. */
export const BFD_LIMITS = { interval: [10, 60000], detectMultiplier: [2, 255], minimumTtl: [1, 254] } as const;
const [IMIN, IMAX] = BFD_LIMITS.interval;

const interval = (what: string): ReturnType<typeof s.int> =>
  s.int({ description: `${what} in milliseconds (${IMIN}-${IMAX}; FRR's default is 300)`, minimum: IMIN, maximum: IMAX });

export const bfdProfileSpec = s.obj({
  receiveInterval: interval('The minimum interval at which this system can receive control packets'),
  transmitInterval: interval('The minimum interval at which this system sends control packets'),
  detectMultiplier: s.int({ description: 'Packets that may be lost before the session is declared down (2-255; default 3)', minimum: BFD_LIMITS.detectMultiplier[0], maximum: BFD_LIMITS.detectMultiplier[1] }),
  echoInterval: interval('The minimum interval at which echo packets are sent/received'),
  echoMode: s.bool({ description: 'Enables echo mode (the peer loops packets back; lowers CPU use on the sender)' }),
  passiveMode: s.bool({ description: 'Waits for the peer to send the first control packet' }),
  minimumTtl: s.int({ description: 'Minimum expected TTL of incoming packets, for multi-hop sessions (1-254; default 254). FRR 8.4 does not apply it to the session of a BGPPeer with ebgpMultiHop: bgpd sets that session floor itself (1)', minimum: BFD_LIMITS.minimumTtl[0], maximum: BFD_LIMITS.minimumTtl[1] }),
});
export type BFDProfileSpec = Infer<typeof bfdProfileSpec>;
export type BFDProfile = Resource<'BFDProfile', BFDProfileSpec>;

export const bfdProfileKind: KindDef = {
  kind: 'BFDProfile',
  plural: 'bfdprofiles',
  singular: 'bfdprofile',
  description: 'BFDProfile holds the BFD parameters that a BGPPeer uses by name (spec.bfdProfile).',
  versions: [
    {
      name: 'v1beta1',
      served: true,
      storage: true,
      spec: bfdProfileSpec,
      printerColumns: [
        { name: 'Passive Mode', type: 'boolean', jsonPath: '.spec.passiveMode' },
        { name: 'Transmit Interval', type: 'integer', jsonPath: '.spec.transmitInterval' },
        { name: 'Receive Interval', type: 'integer', jsonPath: '.spec.receiveInterval' },
        { name: 'Multiplier', type: 'integer', jsonPath: '.spec.detectMultiplier' },
      ],
    },
  ],
};
