// Schemas shared by several kinds: label selectors, tolerations, conditions, resources.
import { s, NAME_PATTERN } from './s.js';
import type { Infer } from './schema-compound.js';
import type { ObjectMeta as WireObjectMeta } from './object.js';
import type { PrinterColumn } from './kind.js';

const labelKey = s.str({ description: 'a label key', maxLength: 317, pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$', patternHint: 'must be a valid label key' });
const labelValue = s.str({ maxLength: 63, pattern: '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$', patternHint: 'must be a valid label value' });

export const labelSelectorRequirement = s.obj(
  {
    key: labelKey,
    operator: s.str({ enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const, description: 'In, NotIn, Exists or DoesNotExist' }),
    values: s.arr(labelValue, { maxItems: 128 }),
  },
  { required: ['key', 'operator'] },
);

export const labelSelector = s.obj(
  {
    matchLabels: s.map(labelValue, { description: 'labels that must all match' }),
    matchExpressions: s.arr(labelSelectorRequirement, { maxItems: 64 }),
  },
  { description: 'A Kubernetes label selector; an empty selector matches everything.' },
);
export type LabelSelector = Infer<typeof labelSelector>;

export const labelSelectors = (description: string): ReturnType<typeof s.arr<LabelSelector>> => s.arr(labelSelector, { description, maxItems: 64 });

export const nameList = (description: string): ReturnType<typeof s.arr<string>> =>
  s.arr(s.str({ pattern: NAME_PATTERN, patternHint: 'must be a lowercase DNS-1123 name', maxLength: 253 }), { description, maxItems: 256 });

export const toleration = s.obj({
  key: s.str({ maxLength: 317, description: 'the taint key the toleration applies to; empty matches all keys' }),
  operator: s.str({ enum: ['Exists', 'Equal'] as const, description: 'Exists or Equal (the default)' }),
  value: s.str({ maxLength: 63 }),
  effect: s.str({ enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const }),
  tolerationSeconds: s.int({ format: 'int64' }),
});
export type Toleration = Infer<typeof toleration>;

/** Resource quantities such as "100m", "128Mi", 2. */
const quantity = s.intOrString({ pattern: '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$' });

export const resources = s.obj(
  {
    limits: s.map(quantity),
    requests: s.map(quantity),
  },
  { description: 'CPU and memory requests and limits of the container.' },
);

export const condition = s.obj(
  {
    type: s.str({ maxLength: 316 }),
    status: s.str({ enum: ['True', 'False', 'Unknown'] as const }),
    observedGeneration: s.int({ format: 'int64', minimum: 0 }),
    lastTransitionTime: s.str({ description: 'RFC 3339 time of the last status change' }),
    reason: s.str({ maxLength: 1024 }),
    message: s.str({ maxLength: 32768 }),
  },
  { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
);
export type Condition = Infer<typeof condition>;

/** A metallb.io object's metadata: the wire shape (src/api/object.ts), with the name always set. */
export type ObjectMeta = WireObjectMeta & { name: string };

/** A metallb.io object as it is read from the API or a YAML file. */
export interface Resource<K extends string, Spec, Status = never> {
  apiVersion: string;
  kind: K;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
}

/**
 * What every per-Service status object (ServiceL2Status, ServiceBGPStatus) starts with: the node
 * that wrote it and the Service it is about; and the printer columns that show them.
 */
export const serviceStatusIdentity = (nodeDescription: string): {
  node: ReturnType<typeof s.str>;
  serviceName: ReturnType<typeof s.str>;
  serviceNamespace: ReturnType<typeof s.str>;
} => ({
  node: s.str({ description: nodeDescription, maxLength: 253 }),
  serviceName: s.str({ description: 'The Service this status is about', maxLength: 253 }),
  serviceNamespace: s.str({ description: 'The namespace of that Service', maxLength: 63 }),
});

export const serviceStatusColumns = (nodeColumn: string): PrinterColumn[] => [
  { name: nodeColumn, type: 'string', jsonPath: '.status.node' },
  { name: 'Service Name', type: 'string', jsonPath: '.status.serviceName' },
  { name: 'Service Namespace', type: 'string', jsonPath: '.status.serviceNamespace' },
];
