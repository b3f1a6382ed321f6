// Go time.Duration strings (metav1.Duration), parsed the way Go does, in seconds.
const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Returns seconds, or undefined when the text is not a valid duration. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const re = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * (UNIT_SECONDS[m[2]!] ?? 0);
    pos = re.lastIndex;
  }
  return pos === text.length && pos > 0 ? total : undefined;
}

/** Seconds for a duration already validated by the schema (0 when absent or malformed). */
export function seconds(text: string | undefined): number {
  return text === undefined ? 0 : (parseDuration(text) ?? 0);
}
