// Computes the minimal ordered change that turns FRR's running config into the desired one, for the
// contexts we own, as a vtysh script. Pure.
//
// Owned: `router bgp` (with its address families), `route-map` entries, `ip/ipv6 prefix-list`
// lines, `ip/ipv6 nht resolve-via-default`, and the `bfd` block. Everything else (frr version,
// hostname, log, `no ip forwarding`, interfaces, line vty, ...) is left as it is.
//
// Order, so that nothing is ever referenced while missing and references go before their targets:
//   removals: inside router bgp (a gone neighbor is one `no neighbor X`, which drops all its lines),
//             whole router bgp instances (VRFs before the default one), route-map entries/lines,
//             nht, bfd profile values/profiles;
//   additions: bfd profiles, prefix-list entries, then the prefix-list entries that go (by seq),
//             route-maps, nht, router bgp instances and lines.
// A line that changes only its value (`timers 30 90` → `timers 10 30`, `set local-preference`) is
// rewritten in place rather than removed and re-added, so a session never loses a setting midway.
// The script runs under `vtysh -f`, which starts in configuration mode: it has no `configure
// terminal` (vtysh -f rejects that line with exit code 2).
import { overwriteKey, removalCommand } from './lines.js';
import { closerFor, type ConfigContext, type ParsedConfig } from './parse.js';

export { redactSecrets } from '../../util/redact.js';

export interface DeltaBlock {
  /** Context headers to enter, outermost first ([] for top level). */
  path: string[];
  commands: string[];
}

export interface Delta {
  blocks: DeltaBlock[];
  /** Number of commands (not counting context enter/exit lines). */
  size: number;
}

const OWNED_CONTEXT_RE = /^(router bgp |route-map |bfd$)/;
const OWNED_LINE_RE = /^(ip prefix-list |ipv6 prefix-list |ip nht resolve-via-default$|ipv6 nht resolve-via-default$)/;

export function isOwnedContext(header: string): boolean {
  return OWNED_CONTEXT_RE.test(header);
}
export function isOwnedLine(line: string): boolean {
  return OWNED_LINE_RE.test(line);
}

class Builder {
  readonly blocks: DeltaBlock[] = [];
  size = 0;
  add(path: string[], command: string): void {
    const last = this.blocks[this.blocks.length - 1];
    if (last && last.path.length === path.length && last.path.every((h, i) => h === path[i])) last.commands.push(command);
    else this.blocks.push({ path: [...path], commands: [command] });
    this.size++;
  }
  /** Creates a context that has no lines of its own (`route-map X-in deny 20`, an empty profile). */
  enter(path: string[]): void {
    this.blocks.push({ path: [...path], commands: [] });
    this.size++;
  }
}

/** Neighbors defined in a router context: `neighbor X remote-as`, `... interface`, `... peer-group`. */
function neighborsOf(ctx: ConfigContext): Set<string> {
  const out = new Set<string>();
  for (const l of ctx.lines) {
    const t = l.split(' ');
    if (t[0] === 'neighbor' && (t[2] === 'remote-as' || t[2] === 'interface' || (t[2] === 'peer-group' && t.length === 3))) out.add(t[1] as string);
  }
  return out;
}

function neighborOfLine(line: string): string | undefined {
  if (!line.startsWith('neighbor ')) return undefined;
  const end = line.indexOf(' ', 9);
  return end < 0 ? line.slice(9) : line.slice(9, end);
}

interface LineChange {
  removed: string[];
  added: string[];
}

/** Lines to remove (not overwritten by an added line) and lines to add, in file order. */
function diffLines(running: readonly string[], desired: readonly string[], parent: string, skip?: (l: string) => boolean): LineChange {
  const want = new Set(desired);
  const have = new Set(running);
  const added = desired.filter((l) => !have.has(l));
  const addedKeys = new Set<string>();
  for (const l of added) {
    const k = overwriteKey(l, parent);
    if (k !== undefined) addedKeys.add(k);
  }
  const removed = running.filter((l) => {
    if (want.has(l) || skip?.(l)) return false;
    const k = overwriteKey(l, parent);
    return k === undefined || !addedKeys.has(k);
  });
  return { removed, added };
}

function byHeader(list: readonly ConfigContext[]): Map<string, ConfigContext> {
  return new Map(list.map((c) => [c.header, c]));
}

function routerOrder(a: string, b: string): number {
  // VRF instances before the default one when removing (FRR refuses to delete the default first).
  const va = a.includes(' vrf ') ? 0 : 1;
  const vb = b.includes(' vrf ') ? 0 : 1;
  return va - vb;
}

function diffRouterRemovals(b: Builder, have: ConfigContext, want: ConfigContext): void {
  const path = [have.header];
  const wantNeighbors = neighborsOf(want);
  const gone = new Set([...neighborsOf(have)].filter((n) => !wantNeighbors.has(n)));
  for (const n of gone) b.add(path, `no neighbor ${n}`);
  const skipGone = (l: string): boolean => {
    const n = neighborOfLine(l);
    return n !== undefined && gone.has(n);
  };
  const removed = diffLines(have.lines, want.lines, have.header, skipGone).removed;
  const removedSet = new Set(removed);
  for (const l of removed) {
    // `no neighbor X bfd` also drops its profile, and a later `no neighbor X bfd profile P` would
    // turn BFD back on (measured on 8.4): send only the first.
    const m = /^neighbor (\S+) bfd profile /.exec(l);
    if (m && removedSet.has(`neighbor ${m[1]} bfd`)) continue;
    b.add(path, removalCommand(l, have.header));
  }
  const wantAfs = byHeader(want.children);
  for (const af of have.children) {
    const desiredAf = wantAfs.get(af.header);
    const removed = diffLines(af.lines, desiredAf?.lines ?? [], af.header, skipGone).removed;
    for (const l of removed) b.add([have.header, af.header], removalCommand(l, af.header));
  }
}

/**
 * A new neighbor is created shut down and opened after its address families are configured:
 * vtysh applies line by line, and a session that came up between `remote-as` and `activate`
 * would be reset twice ("No AFI/SAFI activated", then the capability change). Returns the
 * neighbors to open once every other addition is in.
 */
function diffRouterAdditions(b: Builder, have: ConfigContext | undefined, want: ConfigContext): string[] {
  const path = [want.header];
  const added = diffLines(have?.lines ?? [], want.lines, want.header).added;
  if (!have && added.length === 0) b.enter(path);
  const existing = have ? neighborsOf(have) : new Set<string>();
  const fresh = [...neighborsOf(want)].filter((n) => !existing.has(n));
  const defining = new Map(fresh.map((n) => [n, true]));
  for (const l of added) {
    b.add(path, l);
    const n = neighborOfLine(l);
    // Right after the line that defines it (remote-as, interface or peer-group), before any other.
    if (n !== undefined && defining.get(n) && neighborsOf({ header: want.header, lines: [l], children: [] }).has(n)) {
      b.add(path, `neighbor ${n} shutdown`);
      defining.set(n, false);
    }
  }
  const haveAfs = byHeader(have?.children ?? []);
  for (const af of want.children) {
    for (const l of diffLines(haveAfs.get(af.header)?.lines ?? [], af.lines, af.header).added) b.add([want.header, af.header], l);
  }
  return fresh.filter((n) => defining.get(n) === false);
}

function diffBfdRemovals(b: Builder, have: ConfigContext | undefined, want: ConfigContext | undefined): void {
  if (!have) return;
  const wantKids = byHeader(want?.children ?? []);
  for (const child of have.children) {
    const w = wantKids.get(child.header);
    if (!w) {
      b.add([have.header], `no ${child.header}`);
      continue;
    }
    for (const l of diffLines(child.lines, w.lines, child.header).removed) b.add([have.header, child.header], removalCommand(l, child.header));
  }
  for (const l of diffLines(have.lines, want?.lines ?? [], have.header).removed) b.add([have.header], removalCommand(l, have.header));
}

function diffBfdAdditions(b: Builder, have: ConfigContext | undefined, want: ConfigContext | undefined): void {
  if (!want) return;
  for (const l of diffLines(have?.lines ?? [], want.lines, want.header).added) b.add([want.header], l);
  const haveKids = byHeader(have?.children ?? []);
  for (const child of want.children) {
    const h = haveKids.get(child.header);
    const added = diffLines(h?.lines ?? [], child.lines, child.header).added;
    if (!h && added.length === 0) b.enter([want.header, child.header]);
    for (const l of added) b.add([want.header, child.header], l);
  }
}

/** The ordered change from `running` to `desired`, restricted to the contexts we own. */
export function diffConfigs(running: ParsedConfig, desired: ParsedConfig): Delta {
  const b = new Builder();
  const have = byHeader(running.contexts.filter((c) => isOwnedContext(c.header)));
  const want = byHeader(desired.contexts.filter((c) => isOwnedContext(c.header)));
  const routers = (m: Map<string, ConfigContext>): ConfigContext[] => [...m.values()].filter((c) => c.header.startsWith('router bgp '));
  const routeMaps = (m: Map<string, ConfigContext>): ConfigContext[] => [...m.values()].filter((c) => c.header.startsWith('route-map '));
  const haveLines = running.lines.filter(isOwnedLine);
  const wantLines = desired.lines.filter(isOwnedLine);
  const topLines = diffLines(haveLines, wantLines, '');

  // Removals.
  for (const r of routers(have)) {
    const w = want.get(r.header);
    if (w) diffRouterRemovals(b, r, w);
  }
  for (const r of routers(have).sort((x, y) => routerOrder(x.header, y.header))) {
    if (!want.has(r.header)) b.add([], `no ${r.header}`);
  }
  for (const rm of routeMaps(have)) {
    const w = want.get(rm.header);
    if (!w) b.add([], `no ${rm.header}`);
    else for (const l of diffLines(rm.lines, w.lines, rm.header).removed) b.add([rm.header], removalCommand(l, rm.header));
  }
  const isPrefixList = (l: string): boolean => l.includes(' prefix-list ');
  for (const l of topLines.removed.filter((x) => !isPrefixList(x))) b.add([], removalCommand(l, ''));
  // FRR keeps printing an empty `bfd` block once profiles existed; when none is wanted, `no bfd`
  // drops the block with its profiles (sessions BGP registered are not configuration and stay).
  if (have.has('bfd') && !want.has('bfd')) b.add([], 'no bfd');
  else diffBfdRemovals(b, have.get('bfd'), want.get('bfd'));

  // Additions.
  diffBfdAdditions(b, have.get('bfd'), want.get('bfd'));
  // Prefix-lists make before they break: a list's new ranges go in before its old ones go out, so
  // a peer never loses a prefix it keeps; `network` lines are removed before this and added after,
  // so a range never selects a prefix the peer must not get.
  for (const l of topLines.added.filter(isPrefixList)) b.add([], l);
  for (const l of topLines.removed.filter(isPrefixList)) b.add([], removalCommand(l, ''));
  for (const rm of routeMaps(want)) {
    const h = have.get(rm.header);
    const added = diffLines(h?.lines ?? [], rm.lines, rm.header).added;
    if (!h && added.length === 0) b.enter([rm.header]);
    for (const l of added) b.add([rm.header], l);
  }
  for (const l of topLines.added.filter((x) => !isPrefixList(x))) b.add([], l);
  const opening: [string, string[]][] = [];
  for (const r of routers(want).sort((x, y) => -routerOrder(x.header, y.header))) opening.push([r.header, diffRouterAdditions(b, have.get(r.header), r)]);
  for (const [header, neighbors] of opening) for (const n of neighbors) b.add([header], `no neighbor ${n} shutdown`);
  return { blocks: b.blocks, size: b.size };
}

/** The delta as a `vtysh -f` script: enter contexts, run commands, leave them (sharing entries). */
export function formatDelta(delta: Delta): string {
  const out: string[] = [];
  const current: string[] = [];
  const leave = (depth: number): void => {
    while (current.length > depth) {
      const header = current.pop() as string;
      out.push(`${' '.repeat(current.length)}${closerFor(header)}`);
    }
  };
  for (const block of delta.blocks) {
    let common = 0;
    while (common < current.length && common < block.path.length && current[common] === block.path[common]) common++;
    // An empty block creates its context: enter it even when we are already inside it.
    if (block.commands.length === 0 && common === block.path.length) common--;
    leave(common);
    for (let i = common; i < block.path.length; i++) {
      out.push(`${' '.repeat(i)}${block.path[i]}`);
      current.push(block.path[i] as string);
    }
    const pad = ' '.repeat(block.path.length);
    for (const c of block.commands) out.push(`${pad}${c}`);
  }
  leave(0);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
