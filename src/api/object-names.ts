// Names of the objects the programs find each other by, in one place: the programs use them, and
// the operator renders them into RBAC resourceNames, so a rename cannot open or close a door
// silently.

/** The legacy MetalLB ConfigMap (upstream's `config`), read by name in the operator namespace. */
export const LEGACY_CONFIGMAP = 'config';

/** The controller's leader-election Lease. */
export const CONTROLLER_LEASE = 'metallb-controller';

/** A speaker's layer 2 liveness Lease. */
export const speakerLeaseName = (node: string): string => `metallb-speaker-${node}`.slice(0, 253);
