// MetalLB: the operator's singleton CR (name "metallb" in the operator namespace).
import { s } from './s.js';
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

export const metalLBSpec = s.obj({
  logLevel: s.str({ enum: LOG_LEVELS, description: 'Log level of the controller and speakers (default info)' }),
  loadBalancerClass: s.str({ description: 'Only Services with this spec.loadBalancerClass are served; when unset, only Services without a class', maxLength: 253, pattern: '^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$', patternHint: 'must be a qualified name such as "metallb.io/metallb"' }),
  nodeSelector: s.map(s.str({ maxLength: 63 }), { description: 'Speakers run only on nodes with these labels (kubernetes.io/os: linux is always added)' }),
  speakerTolerations: s.arr(toleration, { description: 'Tolerations of the speaker pods', maxItems: 64 }),
  controllerNodeSelector: s.map(s.str({ maxLength: 63 }), { description: 'The controller runs only on nodes with these labels' }),
  controllerTolerations: s.arr(toleration, { description: 'Tolerations of the controller pod', maxItems: 64 }),
  speakerConfig: workloadConfig,
  controllerConfig: workloadConfig,
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
