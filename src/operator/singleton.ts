// The one MetalLB the operator reconciles, and the message other MetalLBs get (pure).
export const SINGLETON_NAME = 'metallb';

/** undefined when this CR is the singleton; otherwise what the user must change. */
export function singletonProblem(name: string, namespace: string | undefined, operatorNamespace: string): string | undefined {
  const problems: string[] = [];
  if (name !== SINGLETON_NAME) problems.push(`rename it from "${name}" to "${SINGLETON_NAME}"`);
  if (namespace !== operatorNamespace) problems.push(`create it in namespace "${operatorNamespace}" instead of "${namespace ?? ''}"`);
  if (problems.length === 0) return undefined;
  return `ignored: only the MetalLB named "${SINGLETON_NAME}" in the operator namespace "${operatorNamespace}" is reconciled; ${problems.join(' and ')}`;
}
