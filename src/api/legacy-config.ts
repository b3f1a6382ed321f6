// The MetalLB ≤ 0.12 `config` ConfigMap (metallb-system/config, key `config`), parsed strictly:
// every key is known or the user is told which one is not (a typo must not silently drop a pool).
import yaml from 'js-yaml';
import { ValidationError } from '../util/errors.js';
import { LEGACY_CONFIGMAP } from './object-names.js';
import { scalarText } from '../util/scalar-text.js';

export interface LegacySelector {
  'match-labels'?: Record<string, string>;
  'match-expressions'?: { key: string; operator: string; values?: string[] }[];
}
export interface LegacyPeer {
  'peer-address': string;
  'peer-asn': number;
  'my-asn': number;
  'peer-port'?: number;
  'hold-time'?: string;
  'keepalive-time'?: string;
  'router-id'?: string;
  'source-address'?: string;
  password?: string;
  'bfd-profile'?: string;
  'ebgp-multihop'?: boolean;
  'node-selectors'?: LegacySelector[];
}
export interface LegacyAdvertisement {
  'aggregation-length'?: number;
  'aggregation-length-v6'?: number;
  localpref?: number;
  communities?: string[];
}
export interface LegacyPool {
  name: string;
  protocol: 'bgp' | 'layer2';
  addresses: string[];
  'avoid-buggy-ips'?: boolean;
  'auto-assign'?: boolean;
  'bgp-advertisements'?: LegacyAdvertisement[];
}
export interface LegacyBfdProfile {
  name: string;
  'receive-interval'?: number;
  'transmit-interval'?: number;
  'detect-multiplier'?: number;
  'echo-interval'?: number;
  'echo-mode'?: boolean;
  'passive-mode'?: boolean;
  'minimum-ttl'?: number;
}
export interface LegacyConfig {
  peers: LegacyPeer[];
  'bgp-communities': Record<string, string>;
  'address-pools': LegacyPool[];
  'bfd-profiles': LegacyBfdProfile[];
}

type Kind = 'string' | 'number' | 'boolean' | 'strings' | 'map' | 'selectors' | 'advertisements';
const PEER_KEYS: Record<string, Kind> = { 'peer-address': 'string', 'peer-asn': 'number', 'my-asn': 'number', 'peer-port': 'number', 'hold-time': 'string', 'keepalive-time': 'string', 'router-id': 'string', 'source-address': 'string', password: 'string', 'bfd-profile': 'string', 'ebgp-multihop': 'boolean', 'node-selectors': 'selectors' };
const POOL_KEYS: Record<string, Kind> = { name: 'string', protocol: 'string', addresses: 'strings', 'avoid-buggy-ips': 'boolean', 'auto-assign': 'boolean', 'bgp-advertisements': 'advertisements' };
const ADV_KEYS: Record<string, Kind> = { 'aggregation-length': 'number', 'aggregation-length-v6': 'number', localpref: 'number', communities: 'strings' };
const BFD_KEYS: Record<string, Kind> = { name: 'string', 'receive-interval': 'number', 'transmit-interval': 'number', 'detect-multiplier': 'number', 'echo-interval': 'number', 'echo-mode': 'boolean', 'passive-mode': 'boolean', 'minimum-ttl': 'number' };
const SELECTOR_KEYS: Record<string, Kind> = { 'match-labels': 'map', 'match-expressions': 'strings' };

function checkObject(v: unknown, keys: Record<string, Kind>, path: string, required: string[], problems: string[]): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return void problems.push(`${path}: must be a mapping`);
  const o = v as Record<string, unknown>;
  for (const r of required) if (o[r] === undefined) problems.push(`${path}.${r}: required`);
  for (const [k, val] of Object.entries(o)) {
    const kind = keys[k];
    if (!kind) {
      problems.push(`${path}: unknown key "${k}" (known: ${Object.keys(keys).join(', ')})`);
      continue;
    }
    const p = `${path}.${k}`;
    if (kind === 'string' && typeof val !== 'string') problems.push(`${p}: must be a string`);
    if (kind === 'number' && typeof val !== 'number') problems.push(`${p}: must be a number`);
    if (kind === 'boolean' && typeof val !== 'boolean') problems.push(`${p}: must be true or false`);
    if (kind === 'map' && (typeof val !== 'object' || val === null || Array.isArray(val))) problems.push(`${p}: must be a mapping`);
    if (kind === 'strings' && k !== 'match-expressions' && !(Array.isArray(val) && val.every((x) => typeof x === 'string'))) problems.push(`${p}: must be a list of strings`);
    if (kind === 'selectors') {
      if (!Array.isArray(val)) problems.push(`${p}: must be a list`);
      else val.forEach((s, i) => checkObject(s, SELECTOR_KEYS, `${p}[${i}]`, [], problems));
    }
    if (kind === 'advertisements') {
      if (!Array.isArray(val)) problems.push(`${p}: must be a list`);
      else val.forEach((a, i) => checkObject(a, ADV_KEYS, `${p}[${i}]`, [], problems));
    }
  }
}

const TOP_KEYS = ['peers', 'bgp-communities', 'address-pools', 'bfd-profiles'];

/** Parses the `config` text; throws a ValidationError listing every problem. */
export function parseLegacyConfig(text: string, source = 'config'): LegacyConfig {
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (err) {
    throw new ValidationError(`${source}: not valid YAML: ${(err as Error).message.split('\n')[0]}`, undefined, { cause: err });
  }
  const problems: string[] = [];
  const o = (doc ?? {}) as Record<string, unknown>;
  if (typeof o !== 'object' || Array.isArray(o)) throw new ValidationError(`${source}: must be a mapping with ${TOP_KEYS.join(', ')}`);
  for (const k of Object.keys(o)) if (!TOP_KEYS.includes(k)) problems.push(`${source}: unknown key "${k}" (known: ${TOP_KEYS.join(', ')})`);
  const list = (k: string): unknown[] => {
    const v = o[k];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      problems.push(`${source}.${k}: must be a list`);
      return [];
    }
    return v;
  };
  list('peers').forEach((p, i) => checkObject(p, PEER_KEYS, `${source}.peers[${i}]`, ['peer-address', 'peer-asn', 'my-asn'], problems));
  list('address-pools').forEach((p, i) => {
    checkObject(p, POOL_KEYS, `${source}.address-pools[${i}]`, ['name', 'protocol', 'addresses'], problems);
    const proto = (p as Record<string, unknown>)?.['protocol'];
    if (proto !== undefined && proto !== 'bgp' && proto !== 'layer2') problems.push(`${source}.address-pools[${i}].protocol: must be bgp or layer2, got "${scalarText(proto)}"`);
  });
  list('bfd-profiles').forEach((p, i) => checkObject(p, BFD_KEYS, `${source}.bfd-profiles[${i}]`, ['name'], problems));
  const comms = o['bgp-communities'];
  if (comms !== undefined && (typeof comms !== 'object' || comms === null || Array.isArray(comms) || !Object.values(comms).every((v) => typeof v === 'string'))) {
    problems.push(`${source}.bgp-communities: must map names to "ASN:VALUE" strings`);
  }
  if (problems.length > 0) throw new ValidationError(`invalid legacy configuration:\n${problems.join('\n')}`, problems);
  return {
    peers: list('peers') as LegacyPeer[],
    'bgp-communities': (comms ?? {}) as Record<string, string>,
    'address-pools': list('address-pools') as LegacyPool[],
    'bfd-profiles': list('bfd-profiles') as LegacyBfdProfile[],
  };
}

/** The `config` key of a ConfigMap object, or undefined when it is not MetalLB's legacy ConfigMap. */
export function legacyConfigText(obj: { kind?: string; metadata?: { name?: string }; data?: unknown }): string | undefined {
  if (obj.kind !== 'ConfigMap' || obj.metadata?.name !== LEGACY_CONFIGMAP) return undefined;
  const data = obj.data as Record<string, string> | undefined;
  return typeof data?.['config'] === 'string' ? data['config'] : undefined;
}
