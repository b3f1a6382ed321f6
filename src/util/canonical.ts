// Key order does not make two objects different: canonical() sorts every object's keys (arrays
// keep their order, undefined fields go), so equal content prints equal JSON.

/** A deep copy with every object's keys sorted (arrays keep their order). */
export function canonical<T>(value: T): T {
  if (Array.isArray(value)) return (value as unknown[]).map((v) => canonical(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonical(v);
    }
    return out as T;
  }
  return value;
}

/** Whether two values hold the same content, whatever their key order. */
export const sameContent = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
