// The `metallb-excludel2` ConfigMap (upstream's format): key `excludel2.yaml` holding
// `announcedInterfacesToExclude`, a list of regular expressions over interface names. Layer 2 never
// answers ARP/NDP on a matching interface, whatever an L2Advertisement lists: a CNI bridge or veth
// answering for a Service IP would pull traffic into the pod network. Pure: parse and render.
import yaml from 'js-yaml';

export const EXCLUDEL2_KEY = 'excludel2.yaml';

/**
 * Upstream's list, plus OVN-Kubernetes' internal interfaces (OpenShift's default network): its
 * integration bridge, management port and tunnel devices. Not br-ex: on OVN-Kubernetes that is
 * the node's own uplink, where layer 2 must answer.
 */
export const DEFAULT_EXCLUDED_INTERFACES: readonly string[] = [
  '^docker.*', '^cbr.*', '^dummy.*', '^virbr.*', '^lxcbr.*', '^veth.*', '^lo$', '^cali.*', '^tunl.*', '^flannel.*', '^kube-ipvs.*', '^cni.*', '^nodelocaldns.*', '^lxc.*',
  '^br-int$', '^ovn-k8s-mp.*', '^genev_sys.*', '^vxlan_sys.*',
];

export type ExcludeL2 = { patterns: string[]; regexps: RegExp[] } | { error: string };

/** The patterns of a ConfigMap's `excludel2.yaml`, or why it cannot be used (named for the user). */
export function parseExcludeL2(text: string | undefined): ExcludeL2 {
  if (text === undefined) return { error: `the ConfigMap has no "${EXCLUDEL2_KEY}" key` };
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (err) {
    return { error: `${EXCLUDEL2_KEY} is not YAML: ${(err as Error).message.split('\n')[0]}` };
  }
  const list = doc && typeof doc === 'object' ? (doc as Record<string, unknown>)['announcedInterfacesToExclude'] : undefined;
  if (list === undefined || list === null) return { patterns: [], regexps: [] };
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) return { error: 'announcedInterfacesToExclude must be a list of strings (regular expressions)' };
  const regexps: RegExp[] = [];
  for (const [i, p] of (list).entries()) {
    try {
      regexps.push(new RegExp(p));
    } catch (err) {
      return { error: `announcedInterfacesToExclude[${i}] ${JSON.stringify(p)} is not a regular expression: ${(err as Error).message}` };
    }
  }
  return { patterns: list, regexps };
}

export function renderExcludeL2(patterns: readonly string[]): string {
  return yaml.dump({ announcedInterfacesToExclude: [...patterns] }, { lineWidth: -1 });
}

export const defaultExcludeL2 = (): RegExp[] => DEFAULT_EXCLUDED_INTERFACES.map((p) => new RegExp(p));
