// The ClusterServiceVersion (pure): the hand-written base of config/manifests completed from what
// `kubectl kustomize config/manifests` yields. What OLM must create (the Deployment, the
// ServiceAccounts' Roles and ClusterRoles: the operator's, the controller's and the speaker's
// cluster-wide ones) moves into the install strategy, exactly as
// config/default would install it with `kubectl apply -k`; CRDs become bundle files; samples
// become alm-examples.
import type { Obj } from '../api/object.js';
import type { JSONSchema } from '../api/schema.js';
import { ownedCRDs } from './descriptors.js';
import { OLM_WEBHOOK_DEPLOYMENT } from '../api/object-names.js';
import { DEFAULT_WEBHOOK_PORT } from '../webhook/server.js';

export const PACKAGE = 'metallb-operator';
export const CHANNEL = 'stable';
/** The CSV annotation (and catalog channel entry field) OLM reads the versions a bundle skips from. */
export const SKIP_RANGE = 'olm.skipRange';
export const skipRangeOf = (version: string): string => `<${version}`;

export interface BundleInput {
  /** Everything `kubectl kustomize config/manifests` printed. */
  objects: readonly Obj[];
  /** package.json's version: the CSV is metallb-operator.v<version>. */
  version: string;
  /** The icon (SVG text). */
  icon: string;
  /** The CSV this one upgrades (spec.replaces), e.g. metallb-operator.v0.1.0; none for the first. */
  replaces?: string;
  /**
   * The ValidatingWebhookConfiguration the operator renders (templates/webhook.yaml): under OLM
   * the same webhooks become webhookdefinitions served by the CSV's webhook Deployment.
   */
  webhookConfiguration?: Obj;
}

export interface Bundle {
  csv: Obj;
  crds: Obj[];
  /** Other objects OLM creates as they are (none today; kept so nothing is silently dropped). */
  extra: Obj[];
}

export class BundleError extends Error {}

type Rule = Record<string, unknown>;
interface Binding { roleRef: { kind: string; name: string }; subjects?: { kind: string; name: string; namespace?: string }[] }

const isKind = (o: Obj, kind: string): boolean => o.kind === kind;
const nameOf = (o: Obj): string => o.metadata?.name ?? '';

/** alm-examples: the samples without their namespace (OLM creates them where the user chooses). */
function examples(objects: readonly Obj[]): string {
  const list = objects
    .filter((o) => o.apiVersion?.startsWith('metallb.io/'))
    .map((o) => {
      const { namespace: _ns, ...meta } = o.metadata ?? {};
      void _ns;
      return { ...o, metadata: meta };
    });
  return JSON.stringify(list, null, 2);
}

function boundRules(objects: readonly Obj[], sa: string, bindingKind: string, roleKind: string): Rule[] {
  const bindings = objects.filter((o) => isKind(o, bindingKind)) as unknown as (Binding & Obj)[];
  const names = bindings
    .filter((b) => b.roleRef.kind === roleKind && (b.subjects ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === sa))
    .map((b) => b.roleRef.name);
  return objects.filter((o) => isKind(o, roleKind) && names.includes(nameOf(o))).flatMap((r) => (r['rules'] as Rule[] | undefined) ?? []);
}

/** Every ServiceAccount a (Cluster)RoleBinding of the objects binds, in order of appearance. */
function boundServiceAccounts(objects: readonly Obj[]): string[] {
  const bindings = objects.filter((o) => isKind(o, 'RoleBinding') || isKind(o, 'ClusterRoleBinding')) as unknown as (Binding & Obj)[];
  return bindings.flatMap((b) => (b.subjects ?? []).filter((s) => s.kind === 'ServiceAccount').map((s) => s.name));
}

function images(deployments: readonly Obj[]): { name: string; image: string }[] {
  const seen = new Map<string, string>();
  for (const d of deployments) {
    const pod = ((d['spec'] as JSONSchema)['template'] as JSONSchema)['spec'] as { containers: { name: string; image: string; env?: { name: string; value?: string }[] }[] };
    for (const c of pod.containers) {
      if (!seen.has(c.image)) seen.set(c.image, nameOf(d));
      // CONTROLLER_IMAGE → controller, SPEAKER_IMAGE → speaker (an image named once, first wins)
      for (const e of c.env ?? []) {
        if (e.name.endsWith('_IMAGE') && e.value && !seen.has(e.value)) seen.set(e.value, e.name.slice(0, -'_IMAGE'.length).toLowerCase().replace(/_/g, '-'));
      }
    }
  }
  return [...seen].map(([image, name]) => ({ name, image }));
}

interface Hook {
  name: string;
  clientConfig: { service: { path: string } };
  rules: unknown[];
  admissionReviewVersions: string[];
  sideEffects: string;
  failurePolicy: string;
  matchPolicy?: string;
  timeoutSeconds?: number;
}

/**
 * OLM's form of the webhooks: same names, paths and rules; OLM creates the Service
 * (`<deployment>-service`, port = containerPort), the certificate and the configurations, whose
 * namespaceSelector it takes from the OperatorGroup.
 */
function webhookDefinitions(vwc: Obj, deployments: readonly Obj[]): Record<string, unknown>[] {
  if (!deployments.some((d) => nameOf(d) === OLM_WEBHOOK_DEPLOYMENT)) throw new BundleError(`webhookdefinitions name the Deployment ${OLM_WEBHOOK_DEPLOYMENT}, which config/manifests does not install`);
  return ((vwc['webhooks'] as Hook[] | undefined) ?? []).map((h) => ({
    type: 'ValidatingAdmissionWebhook',
    generateName: h.name,
    deploymentName: OLM_WEBHOOK_DEPLOYMENT,
    containerPort: DEFAULT_WEBHOOK_PORT,
    targetPort: DEFAULT_WEBHOOK_PORT,
    webhookPath: h.clientConfig.service.path,
    rules: h.rules,
    admissionReviewVersions: h.admissionReviewVersions,
    sideEffects: h.sideEffects,
    failurePolicy: h.failurePolicy,
    ...(h.matchPolicy ? { matchPolicy: h.matchPolicy } : {}),
    ...(h.timeoutSeconds ? { timeoutSeconds: h.timeoutSeconds } : {}),
  }));
}

export function buildBundle(input: BundleInput): Bundle {
  const bases = input.objects.filter((o) => isKind(o, 'ClusterServiceVersion'));
  if (bases.length !== 1) throw new BundleError(`config/manifests must hold exactly one ClusterServiceVersion base, found ${bases.length}`);
  const base = structuredClone(bases[0]!) as Obj & { metadata: Record<string, unknown>; spec: Record<string, unknown> };
  const crds = input.objects.filter((o) => isKind(o, 'CustomResourceDefinition')).map((o) => structuredClone(o));
  const deployments = input.objects.filter((o) => isKind(o, 'Deployment'));
  if (deployments.length === 0) throw new BundleError('config/manifests installs no Deployment');
  const handled = new Set(['ClusterServiceVersion', 'CustomResourceDefinition', 'Deployment', 'Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);
  const extra = input.objects.filter((o) => !handled.has(o.kind ?? '') && !o.apiVersion?.startsWith('metallb.io/'));

  const deploymentSAs = [...new Set(deployments.map((d) => (((d['spec'] as JSONSchema)['template'] as JSONSchema)['spec'] as { serviceAccountName?: string }).serviceAccountName ?? 'default'))];
  for (const sa of deploymentSAs) {
    if (!input.objects.some((o) => isKind(o, 'ServiceAccount') && nameOf(o) === sa)) throw new BundleError(`the Deployment's ServiceAccount ${sa} is not in config/manifests`);
  }
  // Also the ServiceAccounts of what the operator deploys (controller, speaker): OLM creates them
  // with the RBAC bound to them here, so the operator never holds cluster-wide RBAC rights.
  const saNames = [...new Set([...deploymentSAs, ...boundServiceAccounts(input.objects)])];
  const permissions = saNames.map((sa) => ({ serviceAccountName: sa, rules: boundRules(input.objects, sa, 'RoleBinding', 'Role') })).filter((p) => p.rules.length > 0);
  const clusterPermissions = saNames.map((sa) => ({ serviceAccountName: sa, rules: boundRules(input.objects, sa, 'ClusterRoleBinding', 'ClusterRole') })).filter((p) => p.rules.length > 0);

  const operator = deployments.find((d) => d.metadata?.['labels'] && (d.metadata['labels'])['app.kubernetes.io/component'] === 'operator') ?? deployments[0]!;
  const operatorImage = (((operator['spec'] as JSONSchema)['template'] as JSONSchema)['spec'] as { containers: { image: string }[] }).containers[0]!.image;
  const meta = base.metadata;
  // The upgrade path (docs/install.md, Versions and upgrades): a release replaces the one before it
  // and skips from any older one, so a cluster several releases behind upgrades in one step.
  const upgrade = input.replaces ? { [SKIP_RANGE]: skipRangeOf(input.version) } : {};
  const annotations = { ...(meta['annotations'] as Record<string, string>), 'alm-examples': examples(input.objects), containerImage: operatorImage, ...upgrade };
  const csv: Obj = {
    apiVersion: base.apiVersion,
    kind: base.kind,
    metadata: { name: `${PACKAGE}.v${input.version}`, annotations: Object.fromEntries(Object.entries(annotations).sort(([a], [b]) => a.localeCompare(b))) },
    spec: {
      ...base.spec,
      icon: [{ base64data: Buffer.from(input.icon).toString('base64'), mediatype: 'image/svg+xml' }],
      customresourcedefinitions: { owned: ownedCRDs(crds) },
      install: {
        strategy: 'deployment',
        spec: {
          deployments: deployments.map((d) => ({ name: nameOf(d), label: (d.metadata?.['labels']) ?? {}, spec: d['spec'] })),
          permissions,
          clusterPermissions,
        },
      },
      relatedImages: images(deployments),
      ...(input.webhookConfiguration ? { webhookdefinitions: webhookDefinitions(input.webhookConfiguration, deployments) } : {}),
      ...(input.replaces ? { replaces: input.replaces } : {}),
      version: input.version,
    },
  };
  return { csv, crds, extra };
}
