// (pure) What a MetalLB CR asks for that this operator does not do, said in its conditions rather
// than dropped: upstream's other BGP backends and frr-k8s settings make Degraded=True (the speakers
// keep running FRR, so load balancing goes on); the deprecated `image` is a note on Degraded=False.
import type { MetalLBSpec } from '../api/metallb.js';

export interface SpecProblem {
  reason: string;
  message: string;
}

export function specProblem(spec: MetalLBSpec | undefined): SpecProblem | undefined {
  const found: SpecProblem[] = [];
  const backend = spec?.bgpBackend;
  if (backend !== undefined && backend !== 'frr') {
    found.push({ reason: 'UnsupportedBGPBackend', message: `bgpBackend "${backend}" is not supported: this operator runs FRR in every speaker pod (bgpBackend: frr, the default); the speakers run FRR` });
  }
  if (spec?.frrk8sConfig !== undefined) {
    found.push({ reason: 'UnsupportedField', message: 'frrk8sConfig has no effect: it configures the frr-k8s backends, which this operator does not run' });
  }
  if (found.length === 0) return undefined;
  return { reason: found[0]!.reason, message: found.map((f) => f.message).join('; ') };
}

export function specNotes(spec: MetalLBSpec | undefined): string[] {
  return spec?.image !== undefined ? ['spec.image has no effect (deprecated, as upstream): the images are the operator\'s'] : [];
}
