// What FRR 8.4 does with single configuration lines, as the diff needs to know it: which lines a
// new value simply overwrites, how to take a line back out (some have no `no` form), and which
// parts are secret. Pure; every rule here was checked against a running FRR 8.4.

/**
 * Lines whose value can be overwritten by writing the new line: the key is the line without its
 * value. Lines not listed are removed with `no` and added again.
 */
export function overwriteKey(line: string, parent: string): string | undefined {
  const t = line.split(' ');
  if (t[0] === 'neighbor' && t.length >= 4) {
    switch (t[2]) {
      case 'remote-as':
      case 'local-as':
      case 'password':
      case 'port':
      case 'ebgp-multihop':
      case 'update-source':
      case 'description':
        return `${t[0]} ${t[1]} ${t[2]}`;
      case 'timers':
        return t[3] === 'connect' ? `${t[0]} ${t[1]} timers connect` : `${t[0]} ${t[1]} timers`;
      case 'interface':
        return `${t[0]} ${t[1]} interface ${t[3]}`;
      case 'bfd':
        return t[3] === 'profile' ? `${t[0]} ${t[1]} bfd profile` : undefined;
      case 'route-map':
      case 'prefix-list':
      case 'filter-list':
        return t.length === 5 ? `${t[0]} ${t[1]} ${t[2]} ${t[4]}` : undefined;
      default:
        return undefined;
    }
  }
  if (t[0] === 'bgp' && t[1] === 'router-id') return 'bgp router-id';
  if (parent.startsWith('route-map ')) {
    if (t[0] === 'set' && t.length >= 3) return `set ${t[1]}`;
    if (t[0] === 'match' && t.length >= 3) return t.slice(0, t.length - 1).join(' ');
    if (t[0] === 'description') return 'description';
  }
  if (parent.startsWith('profile ')) {
    if (t[0] === 'echo' && t.length === 3) return `echo ${t[1]}`;
    if (t.length === 2 && /^\d+$/.test(t[1] as string)) return t[0];
  }
  return undefined;
}

/** How to take a line back out. BFD profile values have no `no` form in 8.4: reset to the default. */
export function removalCommand(line: string, parent: string): string {
  if (parent.startsWith('profile ')) {
    const t = line.split(' ');
    const reset: Record<string, string> = {
      'detect-multiplier': 'detect-multiplier 3',
      'receive-interval': 'receive-interval 300',
      'transmit-interval': 'transmit-interval 300',
      'echo-interval': 'echo-interval 50',
    };
    if (t.length === 2 && reset[t[0] as string]) return reset[t[0] as string] as string;
    if (t[0] === 'echo' && t.length === 3) return `echo ${t[1]} 50`;
    if (t[0] === 'minimum-ttl') return 'no minimum-ttl';
  }
  return line.startsWith('no ') ? line.slice(3) : `no ${line}`;
}

