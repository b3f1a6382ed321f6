// RBAC rule coverage (pure): which permissions of a set of rules another set does not hold. The
// operator may create a Role or ClusterRole only if it holds every permission the role grants
// (Kubernetes' escalation check), so its own rules must cover the ones it renders.
export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** One permission: verb on group/resource, optionally one named object. */
export interface Permission {
  group: string;
  resource: string;
  verb: string;
  name?: string;
}

export function permissionsOf(rules: readonly PolicyRule[]): Permission[] {
  return rules.flatMap((r) =>
    (r.apiGroups ?? ['']).flatMap((group) =>
      (r.resources ?? []).flatMap((resource) =>
        r.verbs.flatMap((verb) => (r.resourceNames?.length ? r.resourceNames.map((name) => ({ group, resource, verb, name })) : [{ group, resource, verb }])),
      ),
    ),
  );
}

const has = (list: readonly string[] | undefined, v: string): boolean => !!list && (list.includes(v) || list.includes('*'));

export function allows(rules: readonly PolicyRule[], p: Permission): boolean {
  return rules.some((r) => has(r.apiGroups ?? [''], p.group) && has(r.resources, p.resource) && has(r.verbs, p.verb) && (!r.resourceNames?.length || (p.name !== undefined && r.resourceNames.includes(p.name))));
}

/** The permissions of `wanted` that `held` does not allow, as "verb group/resource[/name]". */
export function missing(held: readonly PolicyRule[], wanted: readonly PolicyRule[]): string[] {
  return permissionsOf(wanted)
    .filter((p) => !allows(held, p))
    .map((p) => `${p.verb} ${p.group || 'core'}/${p.resource}${p.name ? `/${p.name}` : ''}`);
}
