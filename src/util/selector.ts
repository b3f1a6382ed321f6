// Kubernetes label selectors (matchLabels + matchExpressions) and their matching, pure. Shared by
// the allocator (serviceAllocation), the announce planners (node, pool and Service selectors) and
// reasons a user reads (formatSelector prints kubectl's selector syntax).

/** One matchExpressions entry. Operators: In, NotIn, Exists, DoesNotExist. */
export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: readonly string[];
}

/** A label selector: every matchLabels pair and every expression must hold; empty matches all. */
export interface LabelSelector {
  matchLabels?: Readonly<Record<string, string>>;
  matchExpressions?: readonly LabelSelectorRequirement[];
}

export type Labels = Readonly<Record<string, string>>;

const has = (labels: Labels, key: string): boolean => Object.prototype.hasOwnProperty.call(labels, key);

/** Kubernetes semantics: NotIn and DoesNotExist hold when the key is absent; an unknown operator never matches. */
export function matchesSelector(sel: LabelSelector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (!has(labels, k) || labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const present = has(labels, e.key);
    const inValues = present && (e.values ?? []).includes(labels[e.key]!);
    switch (e.operator) {
      case 'In':
        if (!inValues) return false;
        break;
      case 'NotIn':
        if (inValues) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false; // the apiserver rejects unknown operators; fail closed if one gets here anyway
    }
  }
  return true;
}

/** An empty (or absent) list of selectors matches everything; otherwise any one must match. */
export function matchesAny(selectors: readonly LabelSelector[] | undefined, labels: Labels): boolean {
  if (!selectors || selectors.length === 0) return true;
  return selectors.some((s) => matchesSelector(s, labels));
}

/** kubectl's text for a selector ("app=web,tier in (a,b),!legacy"); "<everything>" when empty. */
export function formatSelector(sel: LabelSelector): string {
  const parts = Object.entries(sel.matchLabels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator} (${values})`);
  }
  return parts.length ? parts.join(',') : '<everything>';
}
