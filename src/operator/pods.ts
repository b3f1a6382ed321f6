// Editing the pod templates of rendered workloads (pure helpers for render.ts).
import type { Obj } from '../k8s/client.js';
import type { WorkloadConfig } from '../api/metallb.js';

type Container = { name: string; image?: string; args?: string[]; resources?: unknown; securityContext?: { capabilities?: { add?: string[] } } };
type PodSpec = Record<string, unknown> & { containers: Container[] };

export function podSpec(workload: Obj): PodSpec {
  return (workload['spec'] as { template: { spec: PodSpec } }).template.spec;
}

/** Sets a container's image and appends arguments after the template's own. */
export function setArgs(pod: PodSpec, container: string, image: string, args: string[]): void {
  const c = pod.containers.find((x) => x.name === container);
  if (!c) throw new Error(`templates: no container "${container}"`);
  c.image = image;
  c.args = [...(c.args ?? []), ...args];
}

/** speakerConfig / controllerConfig: scheduling, pod annotations, resources of the main container. */
export function applyWorkloadConfig(workload: Obj, cfg: WorkloadConfig | undefined, mainContainer: string): void {
  if (!cfg) return;
  const template = (workload['spec'] as { template: { metadata: { annotations?: Record<string, string> }; spec: PodSpec } }).template;
  if (cfg.priorityClassName) template.spec['priorityClassName'] = cfg.priorityClassName;
  if (cfg.runtimeClassName) template.spec['runtimeClassName'] = cfg.runtimeClassName;
  if (cfg.affinity) template.spec['affinity'] = cfg.affinity;
  if (cfg.annotations) template.metadata.annotations = { ...(template.metadata.annotations ?? {}), ...cfg.annotations };
  if (cfg.resources) {
    const c = template.spec.containers.find((x) => x.name === mainContainer);
    if (c) c.resources = cfg.resources;
  }
}

/** Every capability any container of the workload adds, sorted. */
export function addedCapabilities(workload: Obj): string[] {
  const caps = new Set<string>();
  for (const c of podSpec(workload).containers) for (const cap of c.securityContext?.capabilities?.add ?? []) caps.add(cap);
  return [...caps].sort();
}
