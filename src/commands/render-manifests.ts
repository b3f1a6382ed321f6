// `metallb render-manifests -f metallb.yaml [--openshift] [--namespace NS]`: what the operator
// would apply for a MetalLB CR, offline: the same validation, templates, images and renderer.
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { UsageError } from '../util/errors.js';
import { readObjects, toYamlDocuments } from '../api/yaml.js';
import type { Obj } from '../api/object.js';
import { describeProblems, validateObject } from '../api/validate.js';
import type { MetalLB } from '../api/metallb.js';
import { renderManifests } from '../operator/render.js';
import { loadTemplates } from '../operator/templates.js';
import { imagesFromEnv } from '../operator/images.js';
import { singletonProblem } from '../operator/singleton.js';
import { passwordSecretNames } from '../api/bgppeer.js';

const DEFAULT_NAMESPACE = 'metallb-system';

export const command: Command = {
  name: 'render-manifests',
  summary: 'print what the operator would apply for a MetalLB CR, as YAML',
  usage: `usage: metallb render-manifests -f metallb.yaml [--openshift] [--namespace NS] [--templates DIR]

Prints, as multi-document YAML, every object the operator would server-side apply for the MetalLB
CR in the file ('-' for stdin), in apply order: ServiceAccounts, their Roles in the namespace, the
FRR startup ConfigMap, with --openshift the speakers' SecurityContextConstraints (metallb-speaker,
shared by every installation) and the Role to use it, the controller Deployment and the speaker
DaemonSet. Not their ClusterRoles: those come with the install (config/rbac/workloads.yaml, the
CSV's clusterPermissions). The CR is validated as the CRD would; exit 1 when it is
invalid or is not the MetalLB the operator reconciles (name "metallb" in the operator namespace).
The RBAC names objects the operator reads from the cluster: BGPPeers and Nodes in the same files
stand for them (the Secrets their passwordSecret names; each node's speaker Lease). Without them
the speaker may read no Secret and write no Lease.
  -f, --filename   the file holding the MetalLB CR (and optionally BGPPeers and Nodes)
  --openshift      render for OpenShift (SCC, openshift.io/required-scc on the speaker pods)
  -n, --namespace  the operator namespace (default: the CR's, else ${DEFAULT_NAMESPACE})
  --templates DIR  templates directory (default $METALLB_TEMPLATES, else the installed templates/)
Images: $CONTROLLER_IMAGE, $SPEAKER_IMAGE and $FRR_IMAGE when set, else the release defaults.`,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        filename: { type: 'string', short: 'f' },
        openshift: { type: 'boolean', default: false },
        namespace: { type: 'string', short: 'n' },
        templates: { type: 'string' },
      },
    });
    if (!values.filename) throw new UsageError('-f FILE is required');
    const file = values.filename === '-' ? '<stdin>' : values.filename; // for messages
    const fail = (msg: string): number => {
      io.stderr(`metallb render-manifests: ${msg}\n`);
      return 1;
    };

    let objects: Obj[];
    try {
      objects = readObjects([values.filename]);
    } catch (err) {
      return fail(err instanceof Error ? err.message : String(err));
    }
    const crs = objects.filter((o) => o.kind === 'MetalLB');
    if (crs.length !== 1) return fail(`${file}: expected exactly one MetalLB object, found ${crs.length}`);
    const v = validateObject(crs[0]!);
    if (v.problems.length > 0) return fail(`${file}: invalid MetalLB:\n${describeProblems(v.object, v.problems)}`);
    const cr = v.defaulted as unknown as MetalLB;

    const namespace = values.namespace || cr.metadata.namespace || DEFAULT_NAMESPACE;
    const problem = singletonProblem(cr.metadata.name, cr.metadata.namespace || namespace, namespace);
    if (problem) return fail(`${file}: the operator would not deploy anything for this MetalLB: ${problem}`);

    const templates = loadTemplates(values.templates);
    const cluster = {
      peerSecrets: passwordSecretNames(objects.filter((o) => o.kind === 'BGPPeer'), namespace),
      nodes: objects.filter((o) => o.kind === 'Node').map((o) => o.metadata?.name ?? '').filter((n) => n !== ''),
    };
    const rendered = renderManifests({ metallb: cr, namespace, images: imagesFromEnv(process.env), openshift: values.openshift ?? false, templates, cluster });
    io.stdout(toYamlDocuments(rendered));
    return 0;
  },
};
