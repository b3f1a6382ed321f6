// The Service annotations MetalLB users write and the controller writes back, read by both
// programs. Both prefixes work; metallb.universe.tf/ is upstream's deprecated one and is reported
// so the controller can warn.
export const NEW_PREFIX = 'metallb.io/';
export const OLD_PREFIX = 'metallb.universe.tf/';

/** Written by the controller: the pool a Service's IPs came from (the speaker announces by it). */
export const POOL_ANNOTATION = 'metallb.io/ip-allocated-from-pool';

/** A user annotation (`loadBalancerIPs`, `address-pool`, `allow-shared-ip`) under either prefix; a deprecated one is pushed to `deprecated`. */
export function serviceAnnotation(ann: Record<string, string>, name: string, deprecated: string[]): string | undefined {
  if (ann[NEW_PREFIX + name] !== undefined) return ann[NEW_PREFIX + name];
  if (ann[OLD_PREFIX + name] !== undefined) {
    deprecated.push(OLD_PREFIX + name);
    return ann[OLD_PREFIX + name];
  }
  return undefined;
}
