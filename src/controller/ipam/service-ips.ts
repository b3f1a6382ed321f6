// What a Service asks for in addresses: its families (per ipFamilyPolicy) and its requested IPs,
// parsed to canonical form and checked against those families, with reasons (pure).
import { formatIP, tryParseIP } from '../../net/address.js';
import type { Family, IP } from '../../net/address.js';
import type { ServiceRequest } from './types.js';

/** An address with its canonical text (one address has one text, so one owner). */
export interface Addr extends IP {
  ip: string;
}

/** Shared empty answer (the common case: nothing requested), frozen so no caller can fill it. */
const NONE = Object.freeze([]) as unknown as Addr[];

/** The families a Service gets IPs for, primary first: one for SingleStack, else each of spec.ipFamilies. */
export function wantedFamilies(s: ServiceRequest): Family[] {
  const [first = 4, second] = s.families;
  return s.familyPolicy === 'SingleStack' || second === undefined || second === first ? [first] : [first, second];
}

/**
 * IP texts (requested, or read from status) to canonical addresses, or why not. With the Service,
 * also checks they fit its families: each in a wanted family, and both for RequireDualStack.
 */
export function parseIPs(texts: readonly string[], what: string, s?: ServiceRequest): Addr[] | string {
  if (texts.length === 0) return NONE;
  const addrs: Addr[] = [];
  for (const raw of texts) {
    const text = raw.trim();
    const parsed = tryParseIP(text);
    if (!parsed.ok) return `${what} ${parsed.error}`;
    const { ip } = parsed;
    const a: Addr = { family: ip.family, value: ip.value, ip: formatIP(ip.value, ip.family) };
    const twin = addrs.find((b) => b.family === a.family);
    if (twin) return `${what}s ${twin.ip} and ${a.ip} are both IPv${a.family}: a Service gets at most one IP per family`;
    addrs.push(a);
  }
  if (!s) return addrs;
  const wanted = wantedFamilies(s);
  const off = addrs.find((a) => !wanted.includes(a.family));
  if (off) return `${what} ${off.ip} is IPv${off.family}, but the Service asks for ${wanted.map((f) => `IPv${f}`).join(' and ')} (spec.ipFamilies, ipFamilyPolicy ${s.familyPolicy})`;
  if (s.familyPolicy === 'RequireDualStack' && addrs.length < wanted.length) return `the Service requires dual-stack (RequireDualStack) but requests only ${addrs.map((a) => a.ip).join(', ')}: request one IP per family`;
  return addrs;
}

/** Many reasons (one per pool) kept readable: duplicates dropped, at most five shown. */
export function summarize(reasons: readonly string[]): string {
  const uniq = [...new Set(reasons)];
  return uniq.length <= 5 ? uniq.join('; ') : `${uniq.slice(0, 5).join('; ')}; and ${uniq.length - 5} more`;
}
