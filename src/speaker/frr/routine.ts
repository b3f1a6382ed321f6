// Which deltas may skip `vtysh -C`. A Service coming or going produces only `network` lines and
// prefix-list entries inside their contexts; `vtysh -C` on them costs a vtysh process (≈ 25-30 ms
// of the path, and a CPU core on small nodes) and can only say yes when their values are valid.
// So the values are proven here instead, in context (the address family a `network` line sits in),
// and anything else at all goes through `vtysh -C`. In `vtysh -c` mode FRR stops at the first bad
// command, so a line wrongly judged routine would leave FRR half-changed: the checks are strict.
import { isNetwork, parsePrefix } from '../../net/prefix.js';

const MAX_ASN = 4294967295;
/** FRR's VRF_NAMSIZ is 36 bytes including the terminator. */
const MAX_VRF_NAME = 35;

const ROUTER = /^router bgp (\d{1,10})(?: vrf ([A-Za-z0-9_.-]+))?$/;
const FAMILY = /^address-family (ipv4|ipv6) unicast$/;
const NETWORK = /^(?:no )?network (\S+)$/;
const PREFIX_LIST = /^(?:no )?(ip|ipv6) prefix-list [A-Za-z0-9_.:-]+ seq (\d{1,10}) permit (\S+?)(?: le (\d{1,3}))?$/;
const EXIT = /^exit(?:-address-family)?$/;

const familyOf = (kw: string): 'ipv4' | 'ipv6' => (kw === 'ip' || kw === 'ipv4' ? 'ipv4' : 'ipv6');

/** A network address (no host bits) of the given family, as FRR takes it without masking. */
function validPrefix(text: string, family: 'ipv4' | 'ipv6'): { length: number } | undefined {
  const p = parsePrefix(text);
  return p && p.family === (family === 'ipv4' ? 4 : 6) && isNetwork(p) ? p : undefined;
}

function routineLine(line: string, family: 'ipv4' | 'ipv6' | undefined): boolean {
  let m: RegExpExecArray | null;
  if ((m = ROUTER.exec(line))) {
    const asn = Number(m[1]);
    return asn >= 1 && asn <= MAX_ASN && (m[2] === undefined || m[2].length <= MAX_VRF_NAME);
  }
  if (FAMILY.test(line) || EXIT.test(line)) return true;
  if ((m = NETWORK.exec(line))) return family !== undefined && validPrefix(m[1] as string, family) !== undefined;
  if ((m = PREFIX_LIST.exec(line))) {
    const fam = familyOf(m[1] as string);
    const seq = Number(m[2]);
    const p = validPrefix(m[3] as string, fam);
    if (!p || seq < 1 || seq > MAX_ASN) return false;
    if (m[4] === undefined) return true;
    const le = Number(m[4]);
    return le > p.length && le <= (fam === 'ipv4' ? 32 : 128);
  }
  return false;
}

/** True when every line of the delta script is routine and its values are valid where they stand. */
export function onlyRoutineLines(script: string): boolean {
  let family: 'ipv4' | 'ipv6' | undefined;
  for (const raw of script.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (!routineLine(line, family)) return false;
    const fam = FAMILY.exec(line);
    if (fam) family = familyOf(fam[1] as string);
    else if (line === 'exit-address-family' || ROUTER.test(line) || line === 'exit') family = undefined;
  }
  return true;
}
