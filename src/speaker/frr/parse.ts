// Parses frr.conf text (a desired file, or `show running-config` output) into a context tree, and
// normalises each line to the form FRR 8.4 prints back, so both sides of a diff compare equal when
// they mean the same thing. Pure.
//
// Contexts are recognised by keyword, not only by indentation, because FRR versions and hand-written
// files differ: `router bgp` holds `address-family` (which may hold `vni`), `bfd` holds `profile` and
// `peer`; other top-level blocks (`interface`, `vrf`, `line vty`, ...) are parsed so their bodies are
// not mistaken for top-level lines, but the diff ignores them. A context ends at its `exit...` line,
// at `end`, or (files without `exit`) at an unindented top-level command.
import { canonicalCommunityList, canonicalLargeCommunity } from './community.js';
import { canonicalIP } from '../../net/address.js';
import { canonicalPrefix } from '../../net/prefix.js';

export interface ConfigContext {
  /** The normalised line that opened the context ("router bgp 64520", "profile fast"). */
  header: string;
  /** Body lines in file order, normalised, without duplicates. */
  lines: string[];
  children: ConfigContext[];
}

export interface ParsedConfig {
  /** Top-level single lines (prefix-lists, nht, hostname, ...), normalised, without duplicates. */
  lines: string[];
  contexts: ConfigContext[];
}

const TOP_CONTEXT_RE = /^(router |route-map |bfd$|interface |vrf |line |key chain |nexthop-group |pbr-map |segment-routing$|mpls ldp$|rpki$|l2vpn |affinity-map )/;
const TOP_LINE_RE = /^(ip |ipv6 |no ip |no ipv6 |hostname |log |frr |service |password |enable password |agentx$|bgp (community|large-community|extcommunity)-list |bgp as-path |debug |no debug |mpls |fpm |zebra |table )/;
const CHILD_RE: Array<[RegExp, RegExp]> = [
  [/^router bgp /, /^address-family /],
  [/^address-family l2vpn evpn$/, /^vni /],
  [/^bfd$/, /^(profile |peer )/],
  [/^key chain /, /^key /],
];
const CHILD_START_RE = /^(address-family |vni |profile |peer |key )/;
const PREFIX_LIST_SEQ_RE = /^(ip|ipv6) prefix-list (\S+) seq (\d+) .* (\S+)$/;
const MULTI_SPACE_RE = /\s\s|\t/;
const CLOSERS = new Set(['exit', 'exit-address-family', 'exit-vni', 'exit-vrf', 'quit']);

/** bfdd's defaults for profile values: FRR does not print a line equal to one of these. */
const BFD_DEFAULT_LINES = new Set([
  'detect-multiplier 3',
  'receive-interval 300',
  'transmit-interval 300',
  'echo transmit-interval 50',
  'echo receive-interval 50',
  'minimum-ttl 254',
]);

function addUnique(list: string[], seen: Set<string>, line: string): void {
  if (!seen.has(line)) {
    seen.add(line);
    list.push(line);
  }
}

function canonicalTokenIp(token: string): string {
  // Only tokens that look like IPv6 need work; IPv4 text FRR accepts is already canonical.
  if (!token.includes(':')) return token;
  if (token.includes('/')) return canonicalPrefix(token) ?? token;
  return canonicalIP(token) ?? token;
}

/** Normalises one line in its context; may return several lines (or none, for a printed default). */
export function normalizeLine(line: string, path: readonly string[]): string[] {
  const t = line.split(/\s+/).filter((x) => x !== '');
  const parent = path[path.length - 1] ?? '';
  if (t[0] === 'neighbor' && t.length >= 3 && path[0]?.startsWith('router bgp ')) {
    t[1] = canonicalTokenIp(t[1] as string);
    if (t[2] === 'ebgp-multihop' && t.length === 3) t.push('255');
    if (t[2] === 'update-source' && t[3]) t[3] = canonicalTokenIp(t[3]);
    const out = t.join(' ');
    // FRR 8.4 prints `neighbor X bfd` beside `neighbor X bfd profile P`; older files have only the latter.
    if (t[2] === 'bfd' && t[3] === 'profile') return [`neighbor ${t[1]} bfd`, out];
    return [out];
  }
  if (t[0] === 'network' && t[1] && parent.startsWith('address-family ')) t[1] = canonicalTokenIp(t[1]);
  if (t[0] === 'set' && t[1] === 'community' && parent.startsWith('route-map ')) {
    const canon = canonicalCommunityList(t.slice(2));
    if (canon) return [['set', 'community', ...canon].join(' ')];
  }
  if (t[0] === 'set' && t[1] === 'large-community' && parent.startsWith('route-map ')) {
    return [t.map((x, i) => (i >= 2 ? (canonicalLargeCommunity(x) ?? x) : x)).join(' ')];
  }
  if (parent.startsWith('profile ') && path[0] === 'bfd') {
    if (t[0] === 'echo-interval' && t[1]) {
      return [`echo transmit-interval ${t[1]}`, `echo receive-interval ${t[1]}`].filter((l) => !BFD_DEFAULT_LINES.has(l));
    }
    const out = t.join(' ');
    return BFD_DEFAULT_LINES.has(out) ? [] : [out];
  }
  return [t.join(' ')];
}

/**
 * The common lines that need no normalisation, returned as they are (no allocation): `network`
 * with an IPv4 prefix and `neighbor X ...` lines other than the few normalizeLine rewrites.
 */
function fastLine(line: string, path: readonly string[]): string | undefined {
  if (MULTI_SPACE_RE.test(line)) return undefined;
  if (line.startsWith('network ')) return line.includes(':') ? undefined : line;
  if (line.startsWith('neighbor ') && path[0]?.startsWith('router bgp ')) {
    const end = line.indexOf(' ', 9);
    const rest = end < 0 ? '' : line.slice(end + 1);
    if (line.slice(9, end).includes(':') || rest.startsWith('bfd profile') || rest === 'ebgp-multihop' || rest.startsWith('update-source')) return undefined;
    return line;
  }
  return undefined;
}

function normalizeHeader(line: string): string {
  const t = line.split(/\s+/).filter((x) => x !== '');
  if (t[0] === 'address-family' && (t[1] === 'ipv4' || t[1] === 'ipv6') && t.length === 2) t.push('unicast');
  return t.join(' ');
}

/** Top-level prefix-list lines without `seq` get the number FRR would give them (next multiple of 5). */
function prefixListLine(t: string[], maxSeq: Map<string, number>): string {
  const key = `${t[0]} ${t[2]}`;
  let tokens = t;
  if (t[3] !== 'seq' && t[3] !== 'description') {
    const seq = (Math.floor((maxSeq.get(key) ?? 0) / 5) + 1) * 5;
    tokens = [...t.slice(0, 3), 'seq', String(seq), ...t.slice(3)];
  }
  if (tokens[3] === 'seq') {
    maxSeq.set(key, Math.max(maxSeq.get(key) ?? 0, Number(tokens[4])));
    const last = tokens.length - 1;
    tokens[last] = canonicalTokenIp(tokens[last] as string);
  }
  return tokens.join(' ');
}

interface Frame {
  ctx: ConfigContext;
  /** Headers from the outermost context down to this one. */
  path?: string[];
  seen: Set<string>;
  childIndex: Map<string, ConfigContext>;
}

export function parseConfig(text: string): ParsedConfig {
  const root: ParsedConfig = { lines: [], contexts: [] };
  const rootSeen = new Set<string>();
  const rootIndex = new Map<string, ConfigContext>();
  const frames = new Map<ConfigContext, Frame>();
  const stack: Frame[] = [];
  const maxSeq = new Map<string, number>();

  const open = (header: string, siblings: ConfigContext[], index: Map<string, ConfigContext>): void => {
    let ctx = index.get(header);
    if (!ctx) {
      ctx = { header, lines: [], children: [] };
      siblings.push(ctx);
      index.set(header, ctx);
    }
    let frame = frames.get(ctx);
    if (!frame) {
      frame = { ctx, seen: new Set(ctx.lines), childIndex: new Map(ctx.children.map((c) => [c.header, c])) };
      frames.set(ctx, frame);
    }
    frame.path = [...stack.map((f) => f.ctx.header), ctx.header];
    stack.push(frame);
  };

  for (const raw of text.split('\n')) {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('!') || trimmed.startsWith('#')) continue;
    if (trimmed === 'end') {
      stack.length = 0;
      continue;
    }
    if (CLOSERS.has(trimmed)) {
      stack.pop();
      continue;
    }
    const indented = raw.length > 0 && (raw[0] === ' ' || raw[0] === '\t');
    if (stack.length > 0 && !indented && (TOP_CONTEXT_RE.test(trimmed) || TOP_LINE_RE.test(trimmed))) stack.length = 0;
    if (stack.length === 0) {
      if (TOP_CONTEXT_RE.test(trimmed)) {
        open(normalizeHeader(trimmed), root.contexts, rootIndex);
      } else {
        let line: string | undefined;
        const pl = PREFIX_LIST_SEQ_RE.exec(trimmed);
        if (pl && !MULTI_SPACE_RE.test(trimmed) && !(pl[4] as string).includes(':')) {
          // Fast path for `ip prefix-list NAME seq N ... PREFIX` already in printed form.
          const key = `${pl[1]} ${pl[2]}`;
          maxSeq.set(key, Math.max(maxSeq.get(key) ?? 0, Number(pl[3])));
          line = trimmed;
        } else {
          const t = trimmed.split(/\s+/);
          line = (t[0] === 'ip' || t[0] === 'ipv6') && t[1] === 'prefix-list' && t.length >= 4 ? prefixListLine(t, maxSeq) : normalizeLine(trimmed, [])[0];
        }
        if (line !== undefined) addUnique(root.lines, rootSeen, line);
      }
      continue;
    }
    // Inside a context: a child opener for this parent, else a line of the innermost context.
    // A child opener seen in a grandchild (e.g. `address-family` while in another address family)
    // first closes the inner context, as vtysh does.
    let placed = false;
    const maybeChild = CHILD_START_RE.test(trimmed);
    for (let depth = stack.length - 1; maybeChild && depth >= 0 && !placed; depth--) {
      const frame = stack[depth] as Frame;
      const rule = CHILD_RE.find(([parentRe, childRe]) => parentRe.test(frame.ctx.header) && childRe.test(trimmed));
      if (rule) {
        stack.length = depth + 1;
        open(normalizeHeader(trimmed), frame.ctx.children, frame.childIndex);
        placed = true;
      }
    }
    if (placed) continue;
    const frame = stack[stack.length - 1] as Frame;
    if (frame.path === undefined) frame.path = stack.map((f) => f.ctx.header);
    const plain = fastLine(trimmed, frame.path);
    if (plain !== undefined) addUnique(frame.ctx.lines, frame.seen, plain);
    else for (const line of normalizeLine(trimmed, frame.path)) addUnique(frame.ctx.lines, frame.seen, line);
  }
  return root;
}

/** Renders a parsed tree back to text (indented, with exit lines): used for messages and tests. */
export function formatConfig(config: ParsedConfig): string {
  const out: string[] = [...config.lines];
  const walk = (ctx: ConfigContext, depth: number): void => {
    const pad = ' '.repeat(depth);
    out.push(`${pad}${ctx.header}`);
    for (const l of ctx.lines) out.push(`${pad} ${l}`);
    for (const c of ctx.children) walk(c, depth + 1);
    out.push(`${pad}${closerFor(ctx.header)}`);
  };
  for (const c of config.contexts) walk(c, 0);
  return `${out.join('\n')}\n`;
}

export function closerFor(header: string): string {
  if (header.startsWith('address-family ')) return 'exit-address-family';
  if (header.startsWith('vni ')) return 'exit-vni';
  if (header.startsWith('vrf ')) return 'exit-vrf';
  return 'exit';
}
