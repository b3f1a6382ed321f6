// A JSON value shown as text (FRR's JSON, schemas, user input): strings as they are, numbers and
// booleans printed, null/undefined as `fallback`, anything else as JSON rather than
// "[object Object]".
export function scalarText(v: unknown, fallback = ''): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === undefined || v === null) return fallback;
  return JSON.stringify(v);
}
