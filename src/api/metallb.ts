// MetalLB: the operator's singleton CR (name "metallb" in the operator namespace).
import { s, duration } from './s.js';
import { parseDuration } from './duration.js';
import type { Infer } from './schema-compound.js';
import type { KindDef } from './kind.js';
import type { Resource } from './common.js';
import { condition, resources, toleration } from './common.js';

const workloadConfig = s.obj(
  {
    priorityClassName: s.str({ description: 'PriorityClass of the pods', maxLength: 253 }),
    runtimeClassName: s.str({ description: 'RuntimeClass of the pods', maxLength: 253 }),
    affinity: s.opaque({ description: 'Affinity of the pods (a core/v1 Affinity)' }),
    annotations: s.map(s.str(), { description: 'Annotations added to the pods' }),
    resources,
  },
  { description: 'Scheduling and resource settings of the workload.' },
);

export const LOG_LEVELS = ['all', 'debug', 'info', 'warn', 'error', 'none'] as const;
export const BGP_BACKENDS = ['frr', 'native', 'frr-k8s', 'frr-k8s-external'] as const;

export const metalLBSpec = s.obj({
  logLevel: s.str({ enum: LOG_LEVELS, description: 'Log level of the controller and speakers (default info)' }),
  loadBalancerClass: s.str({ description: 'Only Services with this spec.loadBalancerClass are served; when unset, only Services without a class', maxLength: 253, pattern: '^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$', patternHint: 'must be a qualified name such as "metallb.io/metallb"' }),
  nodeSelector: s.map(s.str({ maxLength: 63 }), { description: 'Speakers run only on nodes with these labels (kubernetes.io/os: linux is always added)' }),
  speakerTolerations: s.arr(toleration, { description: 'Tolerations of the speaker pods', maxItems: 64 }),
  controllerNodeSelector: s.map(s.str({ maxLength: 63 }), { description: 'The controller runs only on nodes with these labels' }),
  controllerTolerations: s.arr(toleration, { description: 'Tolerations of the controller pod', maxItems: 64 }),
  speakerConfig: workloadConfig,
  controllerConfig: workloadConfig,
  // Upstream's fields this operator does not act on are kept (never pruned) and named in a
  // Degraded condition (src/operator/spec-notices.ts), so a copied CR says what it gets.
  image: s.str({ description: 'Deprecated and without effect (as upstream): the images are the operator\'s', maxLength: 512 }),
  bgpBackend: s.str({
    enum: BGP_BACKENDS,
    description: 'The BGP implementation: frr (the default: an FRR sidecar in every speaker pod) is the one this operator runs; native, frr-k8s and frr-k8s-external give a Degraded condition and the speakers keep running FRR',
  }),
  frrk8sConfig: s.obj(
    {
      alwaysBlock: s.arr(s.str({ maxLength: 49 }), { description: 'CIDRs frr-k8s always blocks from incoming routes', maxItems: 256 }),
      namespace: s.str({ description: 'The namespace of an external frr-k8s', maxLength: 63 }),
      secretPassthrough: s.bool({ description: 'Pass BGP Secrets to frr-k8s unresolved' }),
    },
    { description: 'Settings of the frr-k8s backends (upstream): without effect here, reported in the Degraded condition' },
  ),
  speakerGratuitousARPInterval: duration('How often the speaker repeats gratuitous ARP / unsolicited NA for the layer 2 IPs it answers (0s or unset: only when it takes an IP over); at least 1s').rule({
    rule: "duration(self) == duration('0s') || duration(self) >= duration('1s')",
    message: 'speakerGratuitousARPInterval must be 0s or at least 1s',
    check: (v) => {
      const d = parseDuration(v);
      return d === undefined || d === 0 || d >= 1;
    },
  }),
});

export const metalLBStatus = s.obj({
  conditions: s.arr(condition, { description: 'Available, Progressing, Degraded and Upgradeable', maxItems: 16 }),
});

export type MetalLBSpec = Infer<typeof metalLBSpec>;
export type MetalLBStatus = Infer<typeof metalLBStatus>;
export type MetalLB = Resource<'MetalLB', MetalLBSpec, MetalLBStatus>;
export type WorkloadConfig = NonNullable<MetalLBSpec['speakerConfig']>;

const cond = (type: string): string => `.status.conditions[?(@.type=="${type}")].status`;

export const metalLBKind: KindDef = {
  kind: 'MetalLB',
  plural: 'metallbs',
  singular: 'metallb',
  description: 'MetalLB is the operator\'s singleton (name "metallb" in the operator namespace) that deploys the controller and the speakers.',
  versions: [
    {
      name: 'v1beta1',
      served: true,
      storage: true,
      spec: metalLBSpec,
      status: metalLBStatus,
      printerColumns: [
        { name: 'Available', type: 'string', jsonPath: cond('Available') },
        { name: 'Progressing', type: 'string', jsonPath: cond('Progressing') },
        { name: 'Degraded', type: 'string', jsonPath: cond('Degraded') },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
    },
  ],
};
