// The LegacyConfigMap condition (pure): a MetalLB <= 0.12 `config` ConfigMap in the operator
// namespace is still honoured by the controller and the speakers, for compatibility, but it is
// not the API this operator documents; the condition says so and gives the exact command that
// turns it into metallb.io resources. A ConfigMap that cannot be converted (an unknown key, a bad
// address) gets the conversion error instead, where the user looks.
import type { Condition } from '../api/common.js';
import { legacyConfigText, parseLegacyConfig } from '../api/legacy-config.js';
import { convertLegacyConfig } from '../api/convert-legacy.js';
import { errorMessage } from '../util/errors.js';

import { LEGACY_CONFIGMAP } from '../api/object-names.js';
export const LEGACY_CONDITION = 'LegacyConfigMap';

/** The command the condition tells the user to run (also in docs/troubleshooting.md). */
export function convertCommand(namespace: string): string {
  return `kubectl get configmap ${LEGACY_CONFIGMAP} -n ${namespace} -o yaml | metallb convert-configmap -f - | kubectl apply -f - && kubectl delete configmap ${LEGACY_CONFIGMAP} -n ${namespace}`;
}

export type LegacyNotice = Omit<Condition, 'lastTransitionTime' | 'observedGeneration'>;

/** The condition for a ConfigMap named `config` in the operator namespace, or undefined. */
export function legacyNotice(
  cm: { kind?: string; metadata?: { name?: string; namespace?: string }; data?: unknown } | undefined,
  namespace: string,
): LegacyNotice | undefined {
  if (!cm) return undefined;
  const text = legacyConfigText({ ...cm, kind: 'ConfigMap' });
  if (text === undefined) return undefined; // some other ConfigMap named config, without a `config` key
  const where = `ConfigMap ${namespace}/${LEGACY_CONFIGMAP}`;
  try {
    const objects = convertLegacyConfig(parseLegacyConfig(text, where), namespace);
    return {
      type: LEGACY_CONDITION,
      status: 'True',
      reason: 'ConvertConfigMap',
      message: `${where} is MetalLB <= 0.12 configuration (${objects.length} objects once converted); it is honoured for compatibility only. Convert it to metallb.io resources with: ${convertCommand(namespace)}`,
    };
  } catch (err) {
    return {
      type: LEGACY_CONDITION,
      status: 'True',
      reason: 'ConfigMapInvalid',
      message: `${where} is MetalLB <= 0.12 configuration that cannot be converted, so the controller and speakers ignore it: ${errorMessage(err)}. Fix it, then run: ${convertCommand(namespace)}`,
    };
  }
}
