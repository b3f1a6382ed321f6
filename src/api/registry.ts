// Every metallb.io kind this project serves.
import type { KindDef } from './kind.js';
import { metalLBKind } from './metallb.js';
import { ipAddressPoolKind } from './ipaddresspool.js';
import { addressPoolKind } from './addresspool.js';
import { bgpPeerKind } from './bgppeer.js';
import { bfdProfileKind } from './bfdprofile.js';
import { bgpAdvertisementKind } from './bgpadvertisement.js';
import { l2AdvertisementKind } from './l2advertisement.js';
import { communityKind } from './community.js';
import { serviceL2StatusKind } from './servicel2status.js';
import { serviceBGPStatusKind } from './servicebgpstatus.js';

export const KINDS: readonly KindDef[] = [
  metalLBKind,
  ipAddressPoolKind,
  addressPoolKind,
  bgpPeerKind,
  bfdProfileKind,
  bgpAdvertisementKind,
  l2AdvertisementKind,
  communityKind,
  serviceL2StatusKind,
  serviceBGPStatusKind,
];

export function kindByName(kind: string): KindDef | undefined {
  return KINDS.find((k) => k.kind === kind);
}
