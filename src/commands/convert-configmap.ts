// `metallb convert-configmap -f configmap.yaml`: legacy MetalLB ≤ 0.12 config → metallb.io CRs.
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { UsageError, ValidationError } from '../util/errors.js';
import { readObjects, toYamlDocuments } from '../api/yaml.js';
import { legacyConfigText, parseLegacyConfig } from '../api/legacy-config.js';
import { convertLegacyConfig } from '../api/convert-legacy.js';

export const command: Command = {
  name: 'convert-configmap',
  summary: 'turn a legacy MetalLB config ConfigMap into metallb.io CRs',
  usage: `usage: metallb convert-configmap -f configmap.yaml [--namespace NS]

Reads the MetalLB <= 0.12 "config" ConfigMap (peers, address-pools with protocol, addresses,
avoid-buggy-ips, auto-assign and bgp-advertisements, bgp-communities, bfd-profiles) and prints
equivalent IPAddressPool, BGPAdvertisement, L2Advertisement, BGPPeer, BFDProfile and Community
objects as YAML, ready for kubectl apply. Unknown keys are an error. The namespace defaults to the
ConfigMap's.`,
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { filename: { type: 'string', short: 'f', multiple: true }, namespace: { type: 'string', short: 'n' } } });
    if (!values.filename?.length) throw new UsageError('-f FILE is required');
    const objects = readObjects(values.filename);
    const cms = objects.filter((o) => legacyConfigText(o) !== undefined);
    if (cms.length === 0) throw new ValidationError('no ConfigMap named "config" with a "config" key found in the input');
    const out = cms.flatMap((cm) => convertLegacyConfig(parseLegacyConfig(legacyConfigText(cm)!, `ConfigMap ${cm.metadata?.namespace ?? ''}/config`), values.namespace ?? cm.metadata?.namespace ?? 'metallb-system'));
    io.stdout(toYamlDocuments(out));
    return 0;
  },
};
