// `metallb render-manifests -f metallb.yaml [--openshift]`: what the operator would apply.
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { UsageError, ValidationError } from '../util/errors.js';
import { loadOfflineObjects } from './offline-input.js';
import { toYamlDocuments } from '../api/yaml.js';
import { operatorRender } from '../operator/wiring.js';
import type { MetalLB } from '../api/metallb.js';

export const command: Command = {
  name: 'render-manifests',
  summary: 'print what the operator would apply for a MetalLB CR, as YAML',
  usage: `usage: metallb render-manifests -f metallb.yaml [--openshift] [--namespace NS] [--templates DIR]

Prints, as multi-document YAML, every object the operator would server-side apply for the MetalLB
CR in the file: ServiceAccounts, RBAC, the FRR startup ConfigMap, the controller Deployment, the
speaker DaemonSet and, with --openshift, the speaker's SecurityContextConstraints and the RBAC to
use it. Images come from CONTROLLER_IMAGE, SPEAKER_IMAGE and FRR_IMAGE when set. The namespace
defaults to the CR's (metallb-system when it has none). Exit 1 if the CR is invalid.`,
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { filename: { type: 'string', short: 'f' }, openshift: { type: 'boolean', default: false }, namespace: { type: 'string', short: 'n' }, templates: { type: 'string' } } });
    if (!values.filename) throw new UsageError('-f FILE is required');
    const crs = loadOfflineObjects([values.filename]).filter((o) => o.kind === 'MetalLB') as unknown as MetalLB[];
    if (crs.length !== 1) throw new ValidationError(`${values.filename}: expected exactly one MetalLB object, found ${crs.length}`);
    const render = operatorRender(values.namespace, values.templates);
    io.stdout(toYamlDocuments(render(crs[0]!, values.openshift ?? false)));
    return 0;
  },
};
