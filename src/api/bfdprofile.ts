// BFDProfile: BFD session parameters a BGPPeer refers to by name. Ranges are FRR 8.4's.
import { s } from './s.js';
import type { Infer } from './schema-compound.js';
import type { KindDef } from './kind.js';
import type { Resource } from './common.js';

const interval = (what: string): ReturnType<typeof s.int> =>
  s.int({ description: `${what} in milliseconds (10-60000; FRR's default is 300)`, minimum: 10, maximum: 60000 });

export const bfdProfileSpec = s.obj({
  receiveInterval: interval('The minimum interval at which this system can receive control packets'),
  transmitInterval: interval('The minimum interval at which this system sends control packets'),
  detectMultiplier: s.int({ description: 'Packets that may be lost before the session is declared down (2-255; default 3)', minimum: 2, maximum: 255 }),
  echoInterval: interval('The minimum interval at which echo packets are sent/received'),
  echoMode: s.bool({ description: 'Enables echo mode (the peer loops packets back; lowers CPU use on the sender)' }),
  passiveMode: s.bool({ description: 'Waits for the peer to send the first control packet' }),
  minimumTtl: s.int({ description: 'Minimum expected TTL of incoming packets, for multi-hop sessions (1-254; default 254)', minimum: 1, maximum: 254 }),
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
