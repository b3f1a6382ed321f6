// An object the BGP plan leaves out, and why. The plan goes on without it: one bad BGPPeer or
// BGPAdvertisement must not freeze the config of every other one (issue 18.1).
export interface Skipped {
  kind: 'BGPPeer' | 'BGPAdvertisement' | 'AddressPool';
  name: string;
  /** The whole sentence, starting with the kind and name: what the Event and render-frr print. */
  message: string;
}
