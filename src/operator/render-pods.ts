// Pure helpers for render.ts: editing the pod template of a rendered workload, and canonical
// (key-sorted) copies of what users write, so equal CRs render to equal bytes whatever the key
// order of their YAML and so no output shares structure with the input.
import type { Obj } from '../k8s/client.js';
import type { Toleration } from '../api/common.js';
import type { WorkloadConfig } from '../api/metallb.js';
import { canonical } from '../util/canonical.js';

export interface Capabilities { drop?: string[]; add?: string[] }
export interface Port { name?: string; containerPort: number; hostPort?: number; protocol?: string }
export interface Container {
  name: string;
  image?: string;
  args?: string[];
  ports?: Port[];
  resources?: unknown;
  securityContext?: Record<string, unknown> & { capabilities?: Capabilities };
  [k: string]: unknown;
}
export type PodSpec = Record<string, unknown> & { containers: Container[]; hostNetwork?: boolean };
export interface PodTemplate { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec }

export function podTemplate(workload: Obj): PodTemplate {
  const t = (workload['spec'] as { template?: PodTemplate } | undefined)?.template;
  if (!t?.spec?.containers) throw new Error(`templates: ${workload.kind}/${workload.metadata?.name} has no pod template`);
  t.metadata ??= {};
  return t;
}

export function podSpec(workload: Obj): PodSpec {
  return podTemplate(workload).spec;
}

export function container(pod: PodSpec, name: string): Container {
  const c = pod.containers.find((x) => x.name === name);
  if (!c) throw new Error(`templates: no container "${name}"`);
  return c;
}

/** Sets a container's image and appends arguments after the template's own. */
export function setImageAndArgs(pod: PodSpec, name: string, image: string, args: readonly string[]): void {
  const c = container(pod, name);
  c.image = image;
  if (args.length > 0 || c.args) c.args = [...(c.args ?? []), ...args];
}

/** Tolerations in the order kubectl prints a toleration's fields. */
export function tolerations(list: readonly Toleration[]): Toleration[] {
  return list.map((t) => {
    const o: Toleration = {};
    if (t.key !== undefined) o.key = t.key;
    if (t.operator !== undefined) o.operator = t.operator;
    if (t.value !== undefined) o.value = t.value;
    if (t.effect !== undefined) o.effect = t.effect;
    if (t.tolerationSeconds !== undefined) o.tolerationSeconds = t.tolerationSeconds;
    return o;
  });
}

/** The template's nodeSelector, plus the CR's; kubernetes.io/os: linux always holds. */
export function nodeSelector(template: unknown, fromCR: Record<string, string> | undefined): Record<string, string> {
  return canonical({ ...(template as Record<string, string> | undefined), ...(fromCR ?? {}), 'kubernetes.io/os': 'linux' });
}

/**
 * speakerConfig / controllerConfig: priorityClassName, runtimeClassName, affinity and pod
 * annotations for the pod, resources for its main container.
 */
export function applyWorkloadConfig(t: PodTemplate, cfg: WorkloadConfig | undefined, mainContainer: string): void {
  if (!cfg) return;
  if (cfg.priorityClassName) t.spec['priorityClassName'] = cfg.priorityClassName;
  if (cfg.runtimeClassName) t.spec['runtimeClassName'] = cfg.runtimeClassName;
  if (cfg.affinity && Object.keys(cfg.affinity).length > 0) t.spec['affinity'] = canonical(cfg.affinity);
  if (cfg.annotations && Object.keys(cfg.annotations).length > 0) t.metadata.annotations = canonical({ ...(t.metadata.annotations ?? {}), ...cfg.annotations });
  if (cfg.resources && Object.keys(cfg.resources).length > 0) container(t.spec, mainContainer).resources = canonical(cfg.resources);
}

/** Every capability any container of the workload adds, sorted and without duplicates. */
export function addedCapabilities(workload: Obj): string[] {
  const caps = new Set<string>();
  for (const c of podSpec(workload).containers) for (const cap of c.securityContext?.capabilities?.add ?? []) caps.add(cap);
  return [...caps].sort();
}
