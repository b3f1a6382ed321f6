// Secrets never reach a log line or a message shown to people: BGP passwords anywhere in a text
// (an FRR error echoes the command it refused: "% Unknown command: neighbor 10.0.0.1 password X"),
// and the values of secret-named keys at any depth of a log entry.

/** `neighbor <peer> password <word>`, wherever it starts in the line (a vtysh echo, a delta, a log). */
const NEIGHBOR_PASSWORD = /(\bneighbor\s+\S+\s+password\s+)\S+/g;

/** Keys whose values are never written, whatever the caller passes and however deep. */
const SECRET_KEYS = new Set(['password', 'passwordsecret', 'secret', 'token', 'authorization', 'bearertoken']);

export const REDACTED = '<redacted>';

/** Hides secrets (BGP passwords) in text shown to people or written to logs. */
export function redactSecrets(text: string): string {
  return text.replace(NEIGHBOR_PASSWORD, `$1${REDACTED}`);
}

/**
 * A copy of a log field with every secret hidden: strings through redactSecrets, plain objects
 * and arrays walked (to a bounded depth; deeper values are dropped rather than risked).
 */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 8) return '<too deep>';
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value instanceof Error) return redactSecrets(value.message);
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : redactValue(v, depth + 1);
  return out;
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase());
}
