// Valid and invalid metallb.io objects, shared by the offline validator's unit test and the
// integration test against the real kube-apiserver: both must accept and reject the same objects.
import type { Obj } from '../../src/api/object.js';

export interface InvalidCase {
  name: string;
  object: Obj;
  /** The field the error must name, as kubectl prints it (spec.holdTime). */
  field: string;
  /** A fragment of the message the user reads. */
  message: string;
  /**
   * Checked by the admission webhook, not by the CRD: the rule needs CEL's IP library
   * (Kubernetes 1.31+), and we support 1.27 (src/api/schema.ts). The webhook tests refuse it.
   */
  webhook?: true;
  /** Where the apiserver's own error points when it differs from `field` (a cross-field rule: the CRD carries no fieldPath, which 1.27 refuses). */
  crdField?: string;
}

const NS = 'metallb-system';
const meta = (name: string): Obj['metadata'] => ({ name, namespace: NS });
const obj = (kind: string, name: string, spec: Record<string, unknown>, version = 'v1beta1'): Obj => ({ apiVersion: `metallb.io/${version}`, kind, metadata: meta(name), spec });

const peer = (spec: Record<string, unknown>, version = 'v1beta2'): Obj => obj('BGPPeer', 'bad-peer', { myASN: 64520, peerASN: 64521, peerAddress: '192.168.133.1', ...spec }, version);
const peerWithout = (drop: string, spec: Record<string, unknown>): Obj => {
  const o = peer(spec);
  delete (o['spec'] as Record<string, unknown>)[drop];
  return o;
};
const bfd = (spec: Record<string, unknown>): Obj => obj('BFDProfile', 'bad-bfd', spec);
const pool = (addresses: unknown[], extra: Record<string, unknown> = {}): Obj => obj('IPAddressPool', 'bad-pool', { addresses, ...extra });
const adv = (spec: Record<string, unknown>): Obj => obj('BGPAdvertisement', 'bad-adv', spec);

export const VALID: Obj[] = [
  obj('BGPPeer', 'full-v2', {
    myASN: 64520, peerASN: 64521, localASN: 64999, peerAddress: '2001:db8::1', sourceAddress: '2001:db8::2', peerPort: 1179,
    holdTime: '9s', keepaliveTime: '3s', connectTime: '5s', routerID: '10.0.0.1', password: 'sEcr3t!', bfdProfile: 'test-bfd-prof',
    ebgpMultiHop: true, vrf: 'red', enableGracefulRestart: true, dualStackAddressFamily: true,
    nodeSelectors: [{ matchLabels: { 'node-role.kubernetes.io/worker': '' } }, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
  }, 'v1beta2'),
  obj('BGPPeer', 'unnumbered', { myASN: 64520, dynamicASN: 'external', interface: 'eth1', passwordSecret: { name: 'bgp-secret' }, holdTime: '0s', keepaliveTime: '0s' }, 'v1beta2'),
  obj('IPAddressPool', 'mixed', { addresses: ['192.168.10.0/24', '10.0.0.1-10.0.0.9', '2001:db8::/64', '2001:db8:1::1 - 2001:db8:1::ff'], autoAssign: false, avoidBuggyIPs: true, serviceAllocation: { priority: 10, namespaces: ['prod'], serviceSelectors: [{ matchLabels: { app: 'web' } }] } }),
  obj('BGPAdvertisement', 'full', { aggregationLength: 24, aggregationLengthV6: 64, localPref: 100, communities: ['65535:65282', 'large:64512:1:2', 'no-export', 'my-alias'], ipAddressPools: ['mixed'], peers: ['full-v2'] }),
  obj('L2Advertisement', 'l2', { ipAddressPools: ['mixed'], interfaces: ['eth0', 'bond0.100'] }),
  obj('Community', 'aliases', { communities: [{ name: 'my-alias', value: '64512:100' }, { name: 'big', value: 'large:1:2:3' }] }),
  obj('MetalLB', 'metallb', {
    logLevel: 'debug', loadBalancerClass: 'metallb.io/metallb', nodeSelector: { 'node-role.kubernetes.io/worker': '' },
    speakerTolerations: [{ key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' }],
    controllerNodeSelector: { 'kubernetes.io/os': 'linux' }, controllerTolerations: [{ key: 'x', operator: 'Equal', value: 'y', effect: 'NoExecute', tolerationSeconds: 30 }],
    speakerConfig: { priorityClassName: 'system-node-critical', annotations: { a: 'b' }, resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: 1 } }, affinity: { nodeAffinity: {} } },
    controllerConfig: { runtimeClassName: 'runc' },
  }),
];

export const INVALID: InvalidCase[] = [
  { name: 'BFD receiveInterval below 10', object: bfd({ receiveInterval: 5 }), field: 'spec.receiveInterval', message: 'greater than or equal to 10' },
  { name: 'BFD transmitInterval above 60000', object: bfd({ transmitInterval: 60001 }), field: 'spec.transmitInterval', message: 'less than or equal to 60000' },
  { name: 'BFD detectMultiplier 1', object: bfd({ detectMultiplier: 1 }), field: 'spec.detectMultiplier', message: 'greater than or equal to 2' },
  { name: 'BFD echoInterval below 10', object: bfd({ echoInterval: 9 }), field: 'spec.echoInterval', message: 'greater than or equal to 10' },
  { name: 'BFD minimumTtl 255', object: bfd({ minimumTtl: 255 }), field: 'spec.minimumTtl', message: 'less than or equal to 254' },
  { name: 'BFD echoMode not a boolean', object: bfd({ echoMode: 'yes' }), field: 'spec.echoMode', message: 'boolean' },
  { name: 'peer myASN 0', object: peer({ myASN: 0 }), field: 'spec.myASN', message: 'greater than or equal to 1' },
  { name: 'peer disableMP with dualStackAddressFamily', object: peer({ disableMP: true, dualStackAddressFamily: true }), field: 'spec.disableMP', message: 'disableMP is deprecated', crdField: 'spec' },
  { name: 'peer peerASN above 32 bits', object: peer({ peerASN: 4294967296 }), field: 'spec.peerASN', message: 'less than or equal to 4294967295' },
  { name: 'peer both peerASN and dynamicASN', object: peer({ dynamicASN: 'external' }), field: 'spec', message: 'exactly one of peerASN or dynamicASN' },
  { name: 'peer neither peerASN nor dynamicASN', object: peerWithout('peerASN', {}), field: 'spec', message: 'exactly one of peerASN or dynamicASN' },
  { name: 'peer dynamicASN unknown', object: peerWithout('peerASN', { dynamicASN: 'auto' }), field: 'spec.dynamicASN', message: 'Unsupported value' },
  { name: 'peer both peerAddress and interface', object: peer({ interface: 'eth0' }), field: 'spec', message: 'exactly one of peerAddress or interface' },
  { name: 'peer neither peerAddress nor interface', object: peerWithout('peerAddress', {}), field: 'spec', message: 'exactly one of peerAddress or interface' },
  { name: 'peer peerAddress not an IP', object: peer({ peerAddress: '192.168.133.300' }), field: 'spec.peerAddress', message: 'must be an IPv4 or IPv6 address', webhook: true },
  { name: 'peer peerAddress in IPv4-mapped IPv6 form', object: peer({ peerAddress: '::ffff:192.168.133.1' }), field: 'spec.peerAddress', message: 'must be an IPv4 or IPv6 address', webhook: true },
  { name: 'peer sourceAddress not an IP', object: peer({ sourceAddress: 'node-1' }), field: 'spec.sourceAddress', message: 'must be an IPv4 or IPv6 address', webhook: true },
  { name: 'peer routerID IPv6', object: peer({ routerID: '2001:db8::1' }), field: 'spec.routerID', message: 'routerID must be an IPv4 address', webhook: true },
  { name: 'peer peerPort 0', object: peer({ peerPort: 0 }), field: 'spec.peerPort', message: 'greater than or equal to 1' },
  { name: 'peer holdTime 2s', object: peer({ holdTime: '2s' }), field: 'spec.holdTime', message: 'holdTime must be 0s or between 3s and 65535s' },
  { name: 'peer holdTime not a duration', object: peer({ holdTime: 'ninety' }), field: 'spec.holdTime', message: 'spec.holdTime' },
  { name: 'peer keepaliveTime above holdTime', object: peer({ holdTime: '30s', keepaliveTime: '40s' }), field: 'spec.keepaliveTime', message: 'keepaliveTime must be lower than or equal to holdTime', crdField: 'spec' },
  { name: 'peer keepaliveTime above default holdTime', object: peer({ keepaliveTime: '91s' }), field: 'spec.keepaliveTime', message: 'keepaliveTime must be lower than or equal to holdTime', crdField: 'spec' },
  { name: 'peer keepalive with holdTime 0', object: peer({ holdTime: '0s', keepaliveTime: '1s' }), field: 'spec.keepaliveTime', message: 'keepaliveTime must be', crdField: 'spec' },
  { name: 'peer connectTime 0', object: peer({ connectTime: '0s' }), field: 'spec.connectTime', message: 'connectTime must be between 1s and 65535s' },
  { name: 'peer password and passwordSecret', object: peer({ password: 'a', passwordSecret: { name: 's' } }), field: 'spec', message: 'password and passwordSecret are mutually exclusive' },
  { name: 'peer password with a newline (config injection)', object: peer({ password: 'x\nrouter bgp 1' }), field: 'spec.password', message: 'spec.password' },
  { name: 'peer password with a space', object: peer({ password: 'two words' }), field: 'spec.password', message: 'spec.password' },
  { name: 'peer vrf with a newline', object: peer({ vrf: 'red\nline vty' }), field: 'spec.vrf', message: 'spec.vrf' },
  { name: 'peer interface too long', object: peerWithout('peerAddress', { interface: 'abcdefghijklmnop' }), field: 'spec.interface', message: 'spec.interface' },
  { name: 'peer bfdProfile with a newline', object: peer({ bfdProfile: 'p\nbfd' }), field: 'spec.bfdProfile', message: 'spec.bfdProfile' },
  // Issue 18.1: what the speaker would have to skip is rejected here, by the same rules.
  { name: 'peer holdTime above FRR maximum', object: peer({ holdTime: '65536s' }), field: 'spec.holdTime', message: 'holdTime must be 0s or between 3s and 65535s' },
  { name: 'peer keepaliveTime above FRR maximum', object: peer({ holdTime: '65535s', keepaliveTime: '19h' }), field: 'spec.keepaliveTime', message: 'keepaliveTime must be at most 65535s' },
  { name: 'peer localASN equal to myASN', object: peer({ localASN: 64520 }), field: 'spec.localASN', message: 'localASN must differ from myASN', crdField: 'spec' },
  { name: 'peer interface starting with "-"', object: peerWithout('peerAddress', { interface: '-eth0' }), field: 'spec.interface', message: 'spec.interface' },
  { name: 'peer vrf starting with "_"', object: peer({ vrf: '_red' }), field: 'spec.vrf', message: 'spec.vrf' },
  { name: 'peer vrf "default"', object: peer({ vrf: 'default' }), field: 'spec.vrf', message: 'leave vrf unset for the default VRF' },
  { name: 'peer bfdProfile longer than FRR takes', object: peer({ bfdProfile: 'p'.repeat(64) }), field: 'spec.bfdProfile', message: 'spec.bfdProfile' },
  { name: 'peer localASN 0', object: peer({ localASN: 0 }), field: 'spec.localASN', message: 'greater than or equal to 1' },
  { name: 'peer v1beta1 without peerAddress', object: obj('BGPPeer', 'bad-v1', { myASN: 1, peerASN: 2 }), field: 'spec.peerAddress', message: 'Required value' },
  { name: 'peer nodeSelector bad operator', object: peer({ nodeSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Has' }] }] }), field: 'spec.nodeSelectors[0].matchExpressions[0].operator', message: 'Unsupported value' },
  { name: 'pool address not a CIDR', object: pool(['192.168.5.0/33']), field: 'spec.addresses[0]', message: 'each address must be a CIDR', webhook: true },
  { name: 'pool CIDR with host bits', object: pool(['192.168.5.1/24']), field: 'spec.addresses[0]', message: 'each address must be a CIDR', webhook: true },
  { name: 'pool range of mixed families', object: pool(['10.0.0.1-2001:db8::1']), field: 'spec.addresses[0]', message: 'each address must be a CIDR', webhook: true },
  { name: 'pool CIDR in IPv4-mapped IPv6 form', object: pool(['::ffff:192.168.5.0/120']), field: 'spec.addresses[0]', message: 'each address must be a CIDR', webhook: true },
  { name: 'pool range in IPv4-mapped IPv6 form', object: pool(['::ffff:10.0.0.1-::ffff:10.0.0.9']), field: 'spec.addresses[0]', message: 'each address must be a CIDR', webhook: true },
  { name: 'pool with no addresses', object: pool([]), field: 'spec.addresses', message: 'spec.addresses' },
  { name: 'pool negative priority', object: pool(['10.0.0.0/24'], { serviceAllocation: { priority: -1 } }), field: 'spec.serviceAllocation.priority', message: 'greater than or equal to 0' },
  { name: 'AddressPool unknown protocol', object: obj('AddressPool', 'bad-ap', { protocol: 'ospf', addresses: ['10.0.0.0/24'] }), field: 'spec.protocol', message: 'Unsupported value' },
  { name: 'AddressPool without protocol', object: obj('AddressPool', 'bad-ap', { addresses: ['10.0.0.0/24'] }), field: 'spec.protocol', message: 'Required value' },
  { name: 'advertisement aggregationLength 33', object: adv({ aggregationLength: 33 }), field: 'spec.aggregationLength', message: 'less than or equal to 32' },
  { name: 'advertisement aggregationLengthV6 129', object: adv({ aggregationLengthV6: 129 }), field: 'spec.aggregationLengthV6', message: 'less than or equal to 128' },
  { name: 'advertisement community part above 65535', object: adv({ communities: ['70000:1'] }), field: 'spec.communities[0]', message: 'each part must be 0-65535' },
  { name: 'advertisement large community part above 32 bits', object: adv({ communities: ['large:1:2:4294967296'] }), field: 'spec.communities[0]', message: 'each part must be 0-4294967295' },
  { name: 'advertisement community with a newline', object: adv({ communities: ['65000:1\nrouter bgp 1'] }), field: 'spec.communities[0]', message: 'spec.communities[0]' },
  { name: 'L2 interface with a control character', object: obj('L2Advertisement', 'bad-l2', { interfaces: ['eth0\u0007'] }), field: 'spec.interfaces[0]', message: 'spec.interfaces[0]' },
  { name: 'Community value malformed', object: obj('Community', 'bad-c', { communities: [{ name: 'x', value: '1:2:3' }] }), field: 'spec.communities[0].value', message: 'spec.communities[0].value' },
  { name: 'MetalLB unknown logLevel', object: obj('MetalLB', 'metallb', { logLevel: 'verbose' }), field: 'spec.logLevel', message: 'Unsupported value' },
  { name: 'MetalLB toleration bad operator', object: obj('MetalLB', 'metallb', { speakerTolerations: [{ key: 'a', operator: 'Matches' }] }), field: 'spec.speakerTolerations[0].operator', message: 'Unsupported value' },
  { name: 'MetalLB bad resource quantity', object: obj('MetalLB', 'metallb', { speakerConfig: { resources: { limits: { cpu: 'lots' } } } }), field: 'spec.speakerConfig.resources.limits.cpu', message: 'spec.speakerConfig.resources.limits.cpu' },
];
