// The operator's renderer (pure: no I/O, no env, no clock): a MetalLB CR + the parsed templates +
// images → every object to apply with its final content, in apply order, deterministic to the
// byte (the reconciler hashes renders to skip unchanged writes).
import type { Obj } from '../k8s/client.js';
import type { MetalLB } from '../api/metallb.js';
import type { Templates } from './templates.js';
import { findTemplate } from './templates.js';
import type { Images } from './images.js';
import type { Component } from './names.js';
import { COMPONENT_LABEL, INJECT_CABUNDLE_ANNOTATION, MANAGED_BY, MANAGED_BY_LABEL, NAME_LABEL, OWNER_LABEL, REQUIRED_SCC_ANNOTATION, SPEAKER_SCC, clusterName, ownerLabelValue } from './names.js';
import { DEFAULT_EXCLUDED_INTERFACES, EXCLUDEL2_KEY, renderExcludeL2 } from '../api/excludel2.js';
import { CONTROLLER_LEASE, CONTROLLER_METRICS_SECRET, CONTROLLER_METRICS_SERVICE, EXCLUDEL2_CONFIGMAP, LEGACY_CONFIGMAP, SPEAKER_METRICS_SECRET, SPEAKER_METRICS_SERVICE, WEBHOOK_CERT_SECRET, WEBHOOK_SERVICE, speakerLeaseName } from '../api/object-names.js';
import { DEFAULT_WEBHOOK_CERT_DIR, DEFAULT_WEBHOOK_PORT } from '../webhook/server.js';
import { addedCapabilities, applyWorkloadConfig, nodeSelector, podTemplate, setImageAndArgs, tolerations } from './render-pods.js';
import { canonical } from '../util/canonical.js';

/** What the cluster holds that the RBAC names: the Secrets BGPPeers reference, the nodes (their speakers' Leases). */
export interface ClusterFacts {
  peerSecrets: readonly string[];
  nodes: readonly string[];
  /** Set when the operator deploys the admission webhook; omitted: no webhook objects, and the controller serves none. */
  webhook?: WebhookFacts;
  /** Omitted: plain HTTP metrics and no monitoring objects. */
  metrics?: MetricsFacts;
}

/**
 * The admission webhook, when the operator deploys it. `caBundle`: the PEM CA of the certificate
 * the operator issued (or the user's); absent where OpenShift's service-ca issues the certificate
 * and injects its CA into the configuration.
 */
export interface WebhookFacts {
  caBundle?: string;
}

/**
 * How the programs serve metrics. `certificates`: HTTPS with a token check, the serving
 * certificates from OpenShift's service-ca or issued by the operator into the Secrets
 * controller-certs-secret / speaker-certs-secret; omitted: plain HTTP, as before (`--metrics-tls off`).
 * `monitoring`: the monitoring.coreos.com CRDs exist, so the ServiceMonitors and alerts are rendered.
 */
export interface MetricsFacts {
  certificates?: 'service-ca' | 'self-signed';
  monitoring: boolean;
}

export interface RenderInput {
  metallb: MetalLB;
  /** Omitted (render-manifests without BGPPeers or nodes): no Secret and no speaker Lease is named. */
  cluster?: ClusterFacts;
  namespace: string;
  images: Images;
  openshift: boolean;
  templates: Templates;
}

type Ref = readonly [kind: string, name: string];
/**
 * Apply order: identities, then what they may do, then configuration, then the workloads. Their
 * cluster-wide RBAC is not here: it comes with the install (config/rbac/workloads.yaml, ADR 0014).
 */
const ORDER: readonly Ref[] = [
  ['ServiceAccount', 'controller'], ['ServiceAccount', 'speaker'],
  ['Role', 'controller'], ['Role', 'speaker'], ['Role', 'speaker-secrets'],
  ['RoleBinding', 'controller'], ['RoleBinding', 'speaker'], ['RoleBinding', 'speaker-secrets'],
  ['ConfigMap', 'frr-startup'], ['ConfigMap', EXCLUDEL2_CONFIGMAP],
];
/** OpenShift only, before the workloads whose pods need the SCC. */
const OPENSHIFT: readonly Ref[] = [['SecurityContextConstraints', 'speaker'], ['Role', 'speaker-scc'], ['RoleBinding', 'speaker-scc']];
const CLUSTER_SCOPED = new Set(['SecurityContextConstraints', 'ValidatingWebhookConfiguration']);
/** Where the programs find their metrics certificate (tls.crt, tls.key). */
export const METRICS_CERT_DIR = '/etc/metallb/metrics-certs';

/**
 * Placeholders in templates' resourceNames and the names they stand for. A rule left with no
 * name is dropped: an empty resourceNames would grant every object of the resource.
 */
function resourceNames(in_: RenderInput): Record<string, readonly string[]> {
  return {
    SCC_NAME: [SPEAKER_SCC],
    LEGACY_CONFIGMAP: [LEGACY_CONFIGMAP],
    EXCLUDEL2_CONFIGMAP: [EXCLUDEL2_CONFIGMAP],
    CONTROLLER_LEASE: [CONTROLLER_LEASE],
    PEER_SECRETS: [...(in_.cluster?.peerSecrets ?? [])].sort(),
    SPEAKER_LEASES: [...(in_.cluster?.nodes ?? [])].sort().map(speakerLeaseName),
  };
}

function componentOf(o: Obj): Component {
  const c = o.metadata?.labels?.[COMPONENT_LABEL];
  if (c !== 'controller' && c !== 'speaker') throw new Error(`templates: ${o.kind}/${o.metadata?.name} needs label ${COMPONENT_LABEL}: controller|speaker`);
  return c;
}

/** Names, namespace, labels, ownership; bindings point at the renamed roles in the right namespace. */
function place(o: Obj, in_: RenderInput): Obj {
  const ns = in_.namespace;
  const cr = in_.metallb;
  const meta = (o.metadata ??= {});
  const clusterScoped = CLUSTER_SCOPED.has(o.kind ?? '');
  const labels: Record<string, string> = {
    ...(meta.labels ?? {}),
    [NAME_LABEL]: 'metallb',
    [COMPONENT_LABEL]: componentOf(o),
    [MANAGED_BY_LABEL]: MANAGED_BY,
  };
  if (o.kind === 'SecurityContextConstraints') {
    // One SCC for every installation, by a name the operator's RBAC can hold (ADR 0014): the same
    // content from each, so two operators never fight over it; no owner label, the last
    // installation's finalizer removes it.
    meta.name = SPEAKER_SCC;
    delete meta.namespace;
  } else if (clusterScoped) {
    meta.name = clusterName(ns, meta.name ?? '');
    delete meta.namespace;
    // Removed by the operator's finalizer: an ownerReference cannot point at a namespaced owner.
    labels[OWNER_LABEL] = ownerLabelValue(ns, cr.metadata.name);
  } else {
    meta.namespace = ns;
    const uid = cr.metadata.uid;
    if (uid) meta.ownerReferences = [{ apiVersion: cr.apiVersion || 'metallb.io/v1beta1', kind: 'MetalLB', name: cr.metadata.name, uid, controller: true, blockOwnerDeletion: true }];
  }
  meta.labels = canonical(labels);
  // Our ServiceAccounts (the NAMESPACE placeholder) move with the install; others' (OpenShift's Prometheus) stay where they are.
  for (const s of (o['subjects'] as { kind?: string; namespace?: string }[] | undefined) ?? []) if (s.kind === 'ServiceAccount' && (s.namespace ?? 'NAMESPACE') === 'NAMESPACE') s.namespace = ns;
  if (Array.isArray(o['rules'])) {
    const names = resourceNames(in_);
    const rules = (o['rules'] as { resourceNames?: string[] }[]).map((r) => (r.resourceNames ? { ...r, resourceNames: r.resourceNames.flatMap((n) => names[n] ?? [n]) } : r));
    o['rules'] = rules.filter((r) => !r.resourceNames || r.resourceNames.length > 0);
  }
  return o;
}

function commonArgs(cr: MetalLB): string[] {
  const args = [`--log-level=${cr.spec?.logLevel || 'info'}`];
  if (cr.spec?.loadBalancerClass) args.push(`--lb-class=${cr.spec.loadBalancerClass}`);
  return args;
}

function controller(in_: RenderInput): Obj {
  const d = findTemplate(in_.templates, 'Deployment', 'controller');
  const spec = in_.metallb.spec ?? {};
  const t = podTemplate(d);
  t.spec['nodeSelector'] = nodeSelector(t.spec['nodeSelector'], spec.controllerNodeSelector);
  if (spec.controllerTolerations?.length) t.spec['tolerations'] = tolerations(spec.controllerTolerations);
  const webhook = in_.cluster?.webhook;
  const tls = in_.cluster?.metrics?.certificates !== undefined;
  setImageAndArgs(t.spec, 'controller', in_.images.controller, [...commonArgs(in_.metallb), ...(webhook ? [`--webhook-address=0.0.0.0:${DEFAULT_WEBHOOK_PORT}`] : []), ...(tls ? [`--metrics-cert-dir=${METRICS_CERT_DIR}`] : [])]);
  if (webhook) serveWebhook(t.spec);
  if (tls) serveMetricsTls(t.spec, 'controller', CONTROLLER_METRICS_SECRET);
  applyWorkloadConfig(t, spec.controllerConfig, 'controller');
  return d;
}

type Probe = { httpGet?: { scheme?: string } };
type Container = { name: string; ports?: unknown[]; volumeMounts?: unknown[]; livenessProbe?: Probe; readinessProbe?: Probe };

/**
 * A serving certificate Secret mounted read-only at `mountPath`: only the serving pair, so the CA
 * key the operator keeps in the same Secret never reaches the pod.
 */
function mountCert(pod: Record<string, unknown>, c: Container, volume: string, mountPath: string, secret: string): void {
  c.volumeMounts = [...(c.volumeMounts ?? []), { name: volume, mountPath, readOnly: true }];
  const items = [{ key: 'tls.crt', path: 'tls.crt' }, { key: 'tls.key', path: 'tls.key' }];
  pod['volumes'] = [...((pod['volumes'] as unknown[] | undefined) ?? []), { name: volume, secret: { secretName: secret, items } }];
}

/** The metrics certificate mounted for --metrics-cert-dir; the probes then speak HTTPS (the kubelet does not verify). */
function serveMetricsTls(pod: Record<string, unknown>, container: string, secret: string): void {
  const c = (pod['containers'] as Container[]).find((x) => x.name === container)!;
  mountCert(pod, c, 'metrics-cert', METRICS_CERT_DIR, secret);
  for (const p of [c.livenessProbe, c.readinessProbe]) if (p?.httpGet) p.httpGet.scheme = 'HTTPS';
}

/** The controller's webhook port and its certificate, mounted where the program looks by default. */
function serveWebhook(pod: Record<string, unknown>): void {
  const c = (pod['containers'] as Container[]).find((x) => x.name === 'controller')!;
  c.ports = [...(c.ports ?? []), { name: 'webhook', containerPort: DEFAULT_WEBHOOK_PORT, protocol: 'TCP' }];
  mountCert(pod, c, 'webhook-cert', DEFAULT_WEBHOOK_CERT_DIR, WEBHOOK_CERT_SECRET);
}

const SERVING_CERT_ANNOTATION = 'service.beta.openshift.io/serving-cert-secret-name';

/** The webhook Service and configuration: this namespace only, the CA from the operator or service-ca. */
function webhookObjects(in_: RenderInput, w: WebhookFacts): Obj[] {
  const svc = place(findTemplate(in_.templates, 'Service', WEBHOOK_SERVICE), in_);
  const vwc = place(findTemplate(in_.templates, 'ValidatingWebhookConfiguration', 'webhook-configuration'), in_);
  if (w.caBundle === undefined) {
    svc.metadata!.annotations = canonical({ ...(svc.metadata!.annotations ?? {}), [SERVING_CERT_ANNOTATION]: WEBHOOK_CERT_SECRET });
    vwc.metadata!.annotations = canonical({ ...(vwc.metadata!.annotations ?? {}), [INJECT_CABUNDLE_ANNOTATION]: 'true' });
  }
  for (const hook of vwc['webhooks'] as { clientConfig: { service: { namespace: string }; caBundle?: string }; namespaceSelector?: unknown }[]) {
    hook.clientConfig.service.namespace = in_.namespace;
    if (w.caBundle !== undefined) hook.clientConfig.caBundle = Buffer.from(w.caBundle).toString('base64');
    hook.namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': in_.namespace } };
  }
  return [svc, vwc];
}

/**
 * The metrics Services; with certificates from service-ca, its annotation on each; with the
 * monitoring CRDs, the ServiceMonitors (TLS settings for where the CA comes from) and the alerts,
 * plus on OpenShift the Role that lets the cluster Prometheus discover the endpoints.
 */
function metricsObjects(in_: RenderInput, m: MetricsFacts | undefined): Obj[] {
  const ns = in_.namespace;
  const metricsServices = [
    [CONTROLLER_METRICS_SERVICE, CONTROLLER_METRICS_SECRET],
    [SPEAKER_METRICS_SERVICE, SPEAKER_METRICS_SECRET],
  ] as const;
  const services = metricsServices.map(([name, secret]) => {
    const svc = place(findTemplate(in_.templates, 'Service', name), in_);
    if (m?.certificates === 'service-ca') svc.metadata!.annotations = canonical({ ...(svc.metadata!.annotations ?? {}), [SERVING_CERT_ANNOTATION]: secret });
    return svc;
  });
  if (!m?.monitoring) return services;
  const monitors = ([['controller-monitor', CONTROLLER_METRICS_SECRET], ['speaker-monitor', SPEAKER_METRICS_SECRET]] as const).map(([name, secret]) => {
    const sm = place(findTemplate(in_.templates, 'ServiceMonitor', name), in_);
    for (const e of (sm['spec'] as { endpoints: { scheme?: string; bearerTokenFile?: string; tlsConfig?: Record<string, unknown> }[] }).endpoints) {
      if (m.certificates === undefined) {
        // Plain HTTP metrics: nothing to verify and no token to send.
        e.scheme = 'http';
        delete e.bearerTokenFile;
        delete e.tlsConfig;
        continue;
      }
      const tls = e.tlsConfig ?? {};
      tls['serverName'] = String(tls['serverName']).replace('NAMESPACE', ns);
      // OpenShift's Prometheus mounts service-ca's bundle there; elsewhere the Secret holds its CA.
      if (m.certificates === 'service-ca') tls['caFile'] = '/etc/prometheus/configmaps/serving-certs-ca-bundle/service-ca.crt';
      else tls['ca'] = { secret: { name: secret, key: 'ca.crt' } };
      e.tlsConfig = canonical(tls);
    }
    return sm;
  });
  const rule = place(findTemplate(in_.templates, 'PrometheusRule', 'metallb-alerts'), in_);
  // Each installation's alerts watch its own series (two installations share a Prometheus).
  for (const g of (rule['spec'] as { groups: { rules: { expr: string }[] }[] }).groups) for (const r of g.rules) r.expr = r.expr.replaceAll('"NAMESPACE"', `"${ns}"`);
  const discovery = in_.openshift ? [place(findTemplate(in_.templates, 'Role', 'prometheus-k8s'), in_), place(findTemplate(in_.templates, 'RoleBinding', 'prometheus-k8s'), in_)] : [];
  return [...services, ...discovery, ...monitors, rule];
}

function speaker(in_: RenderInput): Obj {
  const ds = findTemplate(in_.templates, 'DaemonSet', 'speaker');
  const spec = in_.metallb.spec ?? {};
  const t = podTemplate(ds);
  // kubernetes.io/os: linux always, plus the CR's selector (seed 002: node-role.kubernetes.io/worker).
  t.spec['nodeSelector'] = nodeSelector(t.spec['nodeSelector'], spec.nodeSelector);
  if (spec.speakerTolerations?.length) t.spec['tolerations'] = tolerations(spec.speakerTolerations);
  const garp = spec.speakerGratuitousARPInterval;
  const tls = in_.cluster?.metrics?.certificates !== undefined;
  setImageAndArgs(t.spec, 'speaker', in_.images.speaker, [...commonArgs(in_.metallb), ...(garp ? [`--l2-gratuitous-interval=${garp}`] : []), ...(tls ? [`--metrics-cert-dir=${METRICS_CERT_DIR}`] : [])]);
  if (tls) serveMetricsTls(t.spec, 'speaker', SPEAKER_METRICS_SECRET);
  setImageAndArgs(t.spec, 'frr', in_.images.frr, []);
  applyWorkloadConfig(t, spec.speakerConfig, 'speaker');
  if (in_.openshift) t.metadata.annotations = canonical({ ...(t.metadata.annotations ?? {}), [REQUIRED_SCC_ANNOTATION]: SPEAKER_SCC });
  return ds;
}

/** Every object the operator applies for this MetalLB, in apply order. */
export function renderManifests(in_: RenderInput): Obj[] {
  const out: Obj[] = ORDER.map(([kind, name]) => place(findTemplate(in_.templates, kind, name), in_));
  const excl = out.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === EXCLUDEL2_CONFIGMAP)!;
  excl['data'] = { [EXCLUDEL2_KEY]: renderExcludeL2(DEFAULT_EXCLUDED_INTERFACES) };
  const ds = place(speaker(in_), in_);
  if (in_.openshift) {
    const [scc, ...rbac] = OPENSHIFT.map(([kind, name]) => place(findTemplate(in_.templates, kind, name), in_)) as [Obj, Obj, Obj];
    // The SCC allows exactly the capabilities the speaker pod adds: one list, read from the pod.
    scc['allowedCapabilities'] = addedCapabilities(ds);
    out.push(scc, ...rbac);
  }
  out.push(place(controller(in_), in_), ds);
  if (in_.cluster?.webhook) out.push(...webhookObjects(in_, in_.cluster.webhook));
  out.push(...metricsObjects(in_, in_.cluster?.metrics));
  return out;
}
