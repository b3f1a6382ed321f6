// The MetalLB reconcile loop, a plain class: informers on the MetalLB CRs and everything the
// operator owns; every event only marks a key dirty; the WorkQueue runs reconcile(key), which
// re-reads the cache, renders, applies only what changed, and writes status only when it changed.
// @dot-i/k8s-operator starts and stops it and lends it the finalizer protocol (dot-i-lifecycle.ts,
// ADR 0019); nothing here imports the library.
import type { Obj } from '../k8s/client.js';
import { keyOf, refOf, describe } from '../k8s/client.js';
import type { Kube } from '../k8s/client.js';
import { Informer } from '../k8s/informer.js';
import { WorkQueue } from '../k8s/queue.js';
import type { Finalizers, Lifecycle } from './lifecycle.js';
import { ownedInformerSpecs } from './owned-informers.js';
import { computeConditions, sameConditions } from './conditions.js';
import { singletonProblem, SINGLETON_NAME } from './singleton.js';
import { needsApply, recordOf, withHash } from './applied.js';
import type { AppliedRecord } from './applied.js';
import type { MetalLB } from '../api/metallb.js';
import type { ClusterFacts, MetricsFacts } from './render.js';
import { passwordSecretNames } from '../api/bgppeer.js';
import { installationConflict, installationsOf, oldestInstallation } from './installations.js';
import { BGPPEER_CRD, conversionPatch } from './crd-conversion.js';
import type { ConversionTarget } from './crd-conversion.js';
import type { Installation } from './installations.js';
import type { Condition } from '../api/common.js';
import type { Logger } from '../util/log.js';
import { errorMessage } from '../util/errors.js';
import { legacyNotice } from './legacy-notice.js';
import { specNotes, specProblem } from './spec-notices.js';
import { CONTROLLER_METRICS_SECRET, LEGACY_CONFIGMAP, OLM_WEBHOOK_DEPLOYMENT, OLM_WEBHOOK_SERVICE, SPEAKER_METRICS_SECRET, WEBHOOK_CERT_SECRET, WEBHOOK_SERVICE } from '../api/object-names.js';
import { DEFAULT_WEBHOOK_PORT } from '../webhook/server.js';
import { COMPONENT_LABEL, CREATE_ONLY_ANNOTATION, MANAGED_BY, MANAGED_BY_LABEL, NAME_LABEL, SERVING_SINCE_ANNOTATION, SPEAKER_SCC } from './names.js';
import { CONTROLLER_METRICS_CERT, SPEAKER_METRICS_CERT, WEBHOOK_CERT, caBundleOf, renewal, renewedSecret } from './serving-cert.js';
import type { Served } from './serving-cert.js';
import { OWNER_LABEL } from './reconciler-labels.js';

export const FINALIZER = 'metallb.io/cluster-resources';

export interface ReconcilerDeps {
  kube: Kube;
  log: Logger;
  namespace: string;
  openshift: boolean;
  render: (cr: MetalLB, openshift: boolean, cluster: ClusterFacts) => Obj[];
  /** Adds and removes the MetalLB finalizer (the library's protocol, through the adapter). */
  finalizers: Finalizers;
  now?: () => string;
  /**
   * Deploy the admission webhook (the program's default; tests without a pod network leave it
   * out), with its certificate from OpenShift's service-ca or issued by the operator; 'olm': OLM
   * runs it (the CSV's webhook Deployment, its certificate and configurations; ADR 0018), the
   * operator only points BGPPeer's conversion at it.
   */
  webhook?: 'service-ca' | 'self-signed' | 'olm';
  /** Metrics over HTTPS (certificates from service-ca or the operator) and the monitoring objects; omitted: plain HTTP. */
  metrics?: MetricsFacts;
}

/** The certificate Secrets the operator may issue, watched (one informer over the namespace's Secrets, reduced to these). */
const CERT_SECRETS = new Set([WEBHOOK_CERT_SECRET, CONTROLLER_METRICS_SECRET, SPEAKER_METRICS_SECRET]);

/** OLM's configuration for the BGPPeer webhook (its labels): its caBundle is the CA OLM gave the webhook server. */
const olmWebhookSelector = (ns: string): string => `olm.owner.namespace=${ns},olm.webhook-description-generate-name=bgppeervalidationwebhook.metallb.io`;

type Available = { status?: { availableReplicas?: number } } | undefined;
const available = (d: Available): boolean => (d?.status?.availableReplicas ?? 0) >= 1;

/** Certificates are checked for renewal at least this often, events or not. */
const CERT_CHECK_MS = 6 * 3600_000;

export class MetalLBReconciler implements Lifecycle {
  readonly queue: WorkQueue;
  private readonly kube: Kube;
  private readonly log: Logger;
  /** Every MetalLB of the cluster: ours, and other installations' (installations.ts). */
  private metallbs: Informer | undefined;
  private readonly records = new Map<string, AppliedRecord>();
  /** Create-only objects known to exist (createOnce). */
  private readonly existing = new Set<string>();
  private readonly owned: Informer[] = [];
  /** The legacy `config` ConfigMap of the operator namespace, watched by name (not managed). */
  private legacy: Informer | undefined;
  /** What the rendered RBAC names (ClusterFacts): BGPPeers (their Secrets) and Nodes (their speakers' Leases). */
  private peers: Informer | undefined;
  private nodes: Informer | undefined;
  /** The webhook's certificate Secret, watched by name (self-signed: the operator issues it). */
  private certSecret: Informer | undefined;
  private certTimer: NodeJS.Timeout | undefined;
  /** Under OLM: its webhook Deployment and configuration, watched for when conversion can switch to them. */
  private olmWebhook: Informer[] = [];
  /**
   * BGPPeer's CRD, watched by name: OLM re-applies the bundle's CRD (strategy None) during an
   * install or upgrade, after the operator may already have switched it, and nothing else of ours
   * changes then. Kept as its annotations and conversion only (the schema is large).
   */
  private bgpPeerCRD: Informer | undefined;

  constructor(private readonly deps: ReconcilerDeps) {
    this.kube = deps.kube;
    this.log = deps.log;
    this.queue = new WorkQueue(
      (key) => this.reconcile(key),
      (key, err, attempt) => deps.log.error('reconcile failed', { event: 'reconcile-error', key, attempt, error: errorMessage(err) }),
    );
  }

  /** The operator deploys the webhook itself (its Service, configuration and certificate). */
  private get ownsWebhook(): boolean {
    return this.deps.webhook === 'service-ca' || this.deps.webhook === 'self-signed';
  }

  private get singletonKey(): string {
    return `${this.deps.namespace}/${SINGLETON_NAME}`;
  }

  async start(): Promise<void> {
    for (const spec of ownedInformerSpecs(this.deps.namespace, this.deps.openshift, this.ownsWebhook, this.deps.metrics?.monitoring ?? false)) {
      const inf = new Informer(this.kube, spec, this.log);
      inf.on((type, obj) => {
        if (type === 'DELETED') this.records.delete(keyOf(refOf(obj)));
        this.queue.add(this.singletonKey);
      });
      this.owned.push(inf);
      inf.start();
    }
    this.legacy = new Informer(this.kube, { apiVersion: 'v1', kind: 'ConfigMap', namespace: this.deps.namespace, fieldSelector: `metadata.name=${LEGACY_CONFIGMAP}` }, this.log);
    this.legacy.on(() => this.queue.add(this.singletonKey));
    this.legacy.start();
    // Only what changes the facts re-renders: a BGPPeer (its passwordSecret), a node joining or
    // leaving (not the status updates every node makes); reconcile skips unchanged objects.
    const nameOnly = (o: Obj): Obj => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      metadata: { name: o.metadata?.name, namespace: o.metadata?.namespace, resourceVersion: o.metadata?.resourceVersion },
    });
    const secretRef = (o: Obj): Obj => ({ ...nameOnly(o), spec: { passwordSecret: (o['spec'] as Record<string, unknown> | undefined)?.['passwordSecret'] } });
    this.peers = new Informer(this.kube, { apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', namespace: this.deps.namespace, project: secretRef }, this.log);
    this.peers.on((type, o, old) => (type !== 'MODIFIED' || JSON.stringify(o['spec']) !== JSON.stringify(old?.['spec'])) && this.queue.add(this.singletonKey));
    this.nodes = new Informer(this.kube, { apiVersion: 'v1', kind: 'Node', project: nameOnly }, this.log);
    this.nodes.on((type) => type !== 'MODIFIED' && this.queue.add(this.singletonKey));
    const conversionOnly = (o: Obj): Obj =>
      ({ ...nameOnly(o), metadata: { ...nameOnly(o).metadata, annotations: o.metadata?.annotations }, spec: { conversion: (o['spec'] as Record<string, unknown> | undefined)?.['conversion'] } });
    this.bgpPeerCRD = new Informer(this.kube, { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', fieldSelector: `metadata.name=${BGPPEER_CRD}`, project: conversionOnly }, this.log);
    this.bgpPeerCRD.on((type, o, old) => (type !== 'MODIFIED' || JSON.stringify(o) !== JSON.stringify(old)) && this.queue.add(this.singletonKey));
    for (const i of [this.peers, this.nodes, this.bgpPeerCRD]) i.start();
    if (this.deps.webhook === 'self-signed' || this.deps.metrics?.certificates === 'self-signed') {
      // Other Secrets are kept as names only: their contents (BGP passwords) are never cached here.
      const certsOnly = (o: Obj): Obj => (CERT_SECRETS.has(o.metadata?.name ?? '') ? o : ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata?.name, namespace: o.metadata?.namespace } }));
      this.certSecret = new Informer(this.kube, { apiVersion: 'v1', kind: 'Secret', namespace: this.deps.namespace, project: certsOnly }, this.log);
      this.certSecret.on((_t, o) => CERT_SECRETS.has(o.metadata?.name ?? '') && this.queue.add(this.singletonKey));
      this.certSecret.start();
      this.certTimer = setInterval(() => this.queue.add(this.singletonKey), CERT_CHECK_MS);
      this.certTimer.unref();
    }
    if (this.deps.webhook === 'olm') {
      const ns = this.deps.namespace;
      this.olmWebhook = [
        new Informer(this.kube, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, fieldSelector: `metadata.name=${OLM_WEBHOOK_DEPLOYMENT}` }, this.log),
        new Informer(this.kube, { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', labelSelector: olmWebhookSelector(ns) }, this.log),
      ];
      for (const i of this.olmWebhook) {
        i.on(() => this.queue.add(this.singletonKey));
        i.start();
      }
    }
    await Promise.all(
      [
        ...this.owned,
        this.legacy,
        this.peers,
        this.nodes,
        this.bgpPeerCRD,
        ...(this.certSecret ? [this.certSecret] : []),
        ...this.olmWebhook,
      ].map((i) => i.synced),
    );
    if (!this.ownsWebhook) await this.removeOwnWebhookConfiguration();
    this.metallbs = new Informer(this.kube, { apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB' }, this.log);
    this.metallbs.on((_type, o) => {
      this.queue.add(`${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`);
      // Another installation's MetalLB coming or going can decide whether ours may deploy.
      this.queue.add(this.singletonKey);
    });
    this.metallbs.start();
    await this.metallbs.synced;
    this.log.info('watching', { event: 'watch-started', resource: 'metallbs.metallb.io/v1beta1' });
  }

  stop(): void {
    this.queue.stop();
    this.metallbs?.stop();
    for (const i of this.owned) i.stop();
    this.legacy?.stop();
    this.peers?.stop();
    this.nodes?.stop();
    this.bgpPeerCRD?.stop();
    this.certSecret?.stop();
    for (const i of this.olmWebhook) i.stop();
    clearInterval(this.certTimer);
  }

  /**
   * An object the user owns once it exists (metallb-excludel2): created when missing, never
   * applied over. One that exists without our labels (the user's own) is left alone too.
   */
  private async createOnce(obj: Obj): Promise<string | undefined> {
    const k = keyOf(refOf(obj));
    if (this.live(obj) || this.existing.has(k)) return undefined;
    try {
      await this.kube.request('POST', await this.kube.collectionPath(obj.apiVersion ?? 'v1', obj.kind ?? '', obj.metadata?.namespace), obj);
      this.log.info('created', { event: 'create', object: describe(refOf(obj)) });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 409) return errorMessage(err);
    }
    this.existing.add(k);
    return undefined;
  }

  private live(obj: Obj): Obj | undefined {
    const inf = this.owned.find((i) => i.spec.kind === obj.kind && i.spec.apiVersion === obj.apiVersion);
    return inf?.get(obj.metadata?.namespace, obj.metadata?.name ?? '');
  }

  async reconcile(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const [ns, name] = [key.slice(0, slash), key.slice(slash + 1)];
    const cr = this.metallbs?.get(ns, name) as (MetalLB & Obj) | undefined;
    if (!cr) return; // deleted: namespaced objects go through ownerReferences, the rest via the finalizer
    const now = this.deps.now ?? ((): string => new Date().toISOString());
    const generation = cr.metadata.generation ?? 0;

    const problem = singletonProblem(name, ns, this.deps.namespace);
    // The singleton of another installation is its operator's to report on, not ours.
    const foreign = name === SINGLETON_NAME && this.installations().some((i) => i.namespace === ns);
    if (problem && foreign) return;
    if (problem) return this.writeStatus(cr, computeConditions({ generation, applyErrors: [], crProblem: problem }, cr.status?.conditions, now()));

    if (cr.metadata.deletionTimestamp) {
      await this.deps.finalizers.handle(cr, FINALIZER, () => this.deleteClusterScoped());
      this.records.clear();
      return;
    }
    if (await this.deps.finalizers.handle(cr, FINALIZER, () => this.deleteClusterScoped())) return; // just added; the update re-queues us
    if (!cr.metadata.annotations?.[SERVING_SINCE_ANNOTATION]) {
      // Claimed from now on: other installations of the same class see how old ours is (installations.ts).
      await this.kube.mergePatch(refOf(cr), { metadata: { annotations: { [SERVING_SINCE_ANNOTATION]: now() } } });
      return; // the update re-queues us
    }

    const conflict = installationConflict(this.deps.namespace, cr.spec?.loadBalancerClass ?? '', this.installations());
    if (conflict) {
      // Our workloads go (a controller of ours would allocate the other's Services' IPs too);
      // the RBAC stays, so that our age is kept for when the other installation is removed.
      for (const [kind, apiVersion, wname] of [['Deployment', 'apps/v1', 'controller'], ['DaemonSet', 'apps/v1', 'speaker']] as const) {
        if (this.owned.find((i) => i.spec.kind === kind)?.get(this.deps.namespace, wname)) {
          await this.kube.delete({ apiVersion, kind, name: wname, namespace: this.deps.namespace });
          this.log.warn('removed: another installation serves the same Services', { event: 'installation-conflict', object: `${kind}/${wname}` });
        }
      }
      return this.writeStatus(cr, computeConditions({ generation, applyErrors: [], crProblem: conflict, crProblemReason: 'AnotherInstallation' }, cr.status?.conditions, now()));
    }

    const errors: string[] = [];
    const cluster: ClusterFacts = {
      peerSecrets: passwordSecretNames(this.peers?.list() ?? [], this.deps.namespace),
      nodes: (this.nodes?.list() ?? []).map((n) => n.metadata?.name ?? '').filter((n) => n !== ''),
    };
    if (this.ownsWebhook) {
      if (this.deps.webhook === 'service-ca') cluster.webhook = {};
      else {
        const ca = await this.servingCert(cr, WEBHOOK_CERT);
        // Without a CA the configuration would refuse every write: it is not rendered until there is one.
        if ('bundle' in ca) cluster.webhook = { caBundle: ca.bundle };
        else errors.push(ca.error);
      }
    }
    if (this.deps.metrics) {
      cluster.metrics = this.deps.metrics;
      if (this.deps.metrics.certificates === 'self-signed') {
        // A Secret that could not be written leaves its pods waiting for the volume: said in the condition.
        for (const served of [CONTROLLER_METRICS_CERT, SPEAKER_METRICS_CERT]) {
          const r = await this.servingCert(cr, served);
          if ('error' in r) errors.push(r.error);
        }
      }
    }
    for (const desired of this.deps.render(cr, this.deps.openshift, cluster)) {
      if (desired.metadata?.annotations?.[CREATE_ONLY_ANNOTATION] === 'true') {
        const err = await this.createOnce(desired);
        if (err) errors.push(err);
        continue;
      }
      const { obj, hash } = withHash(desired);
      const k = keyOf(refOf(obj));
      const live = this.live(obj);
      const record = this.records.get(k);
      if (!needsApply(obj.kind ?? '', hash, live, record)) {
        if (!record && live) this.records.set(k, recordOf(hash, live));
        continue;
      }
      try {
        const applied = await this.kube.apply(obj);
        this.records.set(k, recordOf(hash, applied));
        this.log.info('applied', { event: 'apply', object: describe(refOf(obj)), reason: live ? 'changed' : 'missing' });
      } catch (err) {
        errors.push(errorMessage(err));
      }
    }
    const deployment = this.owned.find((i) => i.spec.kind === 'Deployment')?.get(this.deps.namespace, 'controller') as never;
    const target = this.conversionTarget(cluster, deployment);
    const conversionError = target === 'leave' ? undefined : await this.syncConversion(target);
    if (conversionError) errors.push(conversionError);
    const daemonSet = this.owned.find((i) => i.spec.kind === 'DaemonSet')?.get(this.deps.namespace, 'speaker') as never;
    const legacy = legacyNotice(this.legacy?.get(this.deps.namespace, LEGACY_CONFIGMAP), this.deps.namespace);
    const unsupported = specProblem(cr.spec);
    const notes = specNotes(cr.spec);
    const input = { generation, applyErrors: errors, deployment, daemonSet, ...(legacy ? { legacy } : {}), ...(unsupported ? { specProblem: unsupported } : {}), ...(notes.length ? { notice: notes.join('; ') } : {}) };
    await this.writeStatus(cr, computeConditions(input, cr.status?.conditions, now()));
    if (errors.length > 0) throw new Error(errors.join('; ')); // retried with backoff
  }

  /**
   * The CA bundle of a serving certificate (the webhook's, a metrics endpoint's), issuing or
   * renewing it first. A Secret of that name without our label is the user's (cert-manager,
   * their own CA): used as it is, never rewritten, and it must carry ca.crt (the webhook
   * configuration and the ServiceMonitor need the CA that signed tls.crt).
   */
  private async servingCert(cr: MetalLB & Obj, served: Served): Promise<{ bundle: string } | { error: string }> {
    const secret = this.certSecret?.get(this.deps.namespace, served.secret);
    const ours = !secret || secret.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY;
    if (secret && !ours) {
      const bundle = caBundleOf(secret);
      return bundle ? { bundle } : { error: `Secret ${served.secret} is not managed by the operator and has no ca.crt: its clients need the CA that signed tls.crt` };
    }
    const what = secret ? renewal(secret, served, this.deps.namespace, new Date()) : 'all';
    if (what === 'none') return { bundle: caBundleOf(secret!) };
    const next = renewedSecret(secret, served, this.deps.namespace, what, new Date());
    next.metadata!.labels = { [NAME_LABEL]: 'metallb', [COMPONENT_LABEL]: 'controller', [MANAGED_BY_LABEL]: MANAGED_BY };
    if (cr.metadata.uid) next.metadata!.ownerReferences = [{ apiVersion: cr.apiVersion || 'metallb.io/v1beta1', kind: 'MetalLB', name: cr.metadata.name, uid: cr.metadata.uid, controller: true, blockOwnerDeletion: true }];
    try {
      await this.kube.apply(next);
    } catch (err) {
      return { error: `writing the certificate Secret ${served.secret}: ${errorMessage(err)}` };
    }
    this.log.info('serving certificate issued', { event: 'cert-issued', renewed: what === 'all' ? 'ca and serving certificate' : 'serving certificate', secret: served.secret });
    return { bundle: caBundleOf(next) };
  }

  /**
   * Where BGPPeer conversions should go: our controller's /convert once it serves (until then the
   * CRD's strategy None converts, only without keeping v1beta2's fields through v1beta1), if ours
   * is the oldest installation. undefined: away from us (no webhook deployed). 'leave': as it is.
   * A controller that stops being available does not switch the CRD back: every CRD change makes
   * the apiserver rebuild BGPPeer's storage (open watches may be closed), and a rollout would flap it.
   */
  private conversionTarget(cluster: ClusterFacts, deployment: Available): ConversionTarget | 'leave' | undefined {
    const namespace = this.deps.namespace;
    if (!this.deps.webhook) return undefined;
    if (oldestInstallation(this.installations()) !== namespace) return 'leave';
    if (this.deps.webhook === 'olm') {
      const [server, vwc] = this.olmWebhook.map((i) => i.list()[0]);
      const caBundle = (vwc?.['webhooks'] as { clientConfig?: { caBundle?: string } }[] | undefined)?.[0]?.clientConfig?.caBundle;
      if (!available(server as Available) || !caBundle) return 'leave';
      return { namespace, service: OLM_WEBHOOK_SERVICE, port: DEFAULT_WEBHOOK_PORT, caBundle: Buffer.from(caBundle, 'base64').toString('utf8') };
    }
    if (!cluster.webhook || !available(deployment)) return 'leave';
    return { namespace, service: WEBHOOK_SERVICE, port: 443, ...(cluster.webhook.caBundle !== undefined ? { caBundle: cluster.webhook.caBundle } : {}) };
  }

  /**
   * The webhook configuration an earlier run rendered (`--webhook on`), when the operator now runs
   * without it (off, or OLM's): left behind it would send every write to a controller that no
   * longer serves, and failurePolicy Fail would refuse them all.
   */
  private async removeOwnWebhookConfiguration(): Promise<void> {
    const selector = `${OWNER_LABEL}=${this.deps.namespace}.${SINGLETON_NAME}`;
    try {
      for (const o of await this.kube.list('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', undefined, selector)) {
        await this.kube.delete({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', name: o.metadata?.name ?? '' });
        this.log.info('removed the webhook configuration of --webhook on', { event: 'webhook-removed', object: o.metadata?.name });
      }
    } catch (err) {
      this.log.warn('could not remove an earlier webhook configuration', { event: 'webhook-removed', error: errorMessage(err) });
    }
  }

  /**
   * Brings bgppeers.metallb.io's conversion to `target` (undefined: away from us); the error, if
   * any. Compared with the watched CRD, so an unchanged one costs no request.
   */
  private async syncConversion(target: ConversionTarget | undefined): Promise<string | undefined> {
    const ref = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: BGPPEER_CRD };
    try {
      const crd = this.bgpPeerCRD?.get(undefined, BGPPEER_CRD);
      const patch = crd && conversionPatch(crd, this.deps.namespace, target);
      if (!patch) return undefined;
      await this.kube.mergePatch(ref, patch);
      this.log.info('BGPPeer conversion switched', { event: 'crd-conversion', strategy: target ? 'Webhook' : 'None', namespace: this.deps.namespace });
      return undefined;
    } catch (err) {
      return `BGPPeer conversion webhook (CRD ${BGPPEER_CRD}): ${errorMessage(err)}`;
    }
  }

  private installations(): Installation[] {
    return installationsOf(this.metallbs?.list() ?? [], FINALIZER);
  }

  private async writeStatus(cr: MetalLB & Obj, conditions: Condition[]): Promise<void> {
    if (sameConditions(cr.status?.conditions, conditions)) return;
    await this.kube.patchStatus(refOf(cr), { conditions });
  }

  /**
   * Cluster-scoped objects cannot carry an ownerReference to a namespaced CR: ours are deleted by
   * label; the shared SCC only by the last installation (another's speakers still need it).
   */
  private async deleteClusterScoped(): Promise<void> {
    const others = this.installations().filter((i) => i.namespace !== this.deps.namespace);
    const specs = ownedInformerSpecs(this.deps.namespace, this.deps.openshift, this.ownsWebhook, this.deps.metrics?.monitoring ?? false);
    for (const spec of specs.filter((s) => !s.namespace)) {
      if (spec.kind === 'SecurityContextConstraints') {
        if (others.length === 0) await this.kube.delete({ apiVersion: spec.apiVersion, kind: spec.kind, name: SPEAKER_SCC });
        continue;
      }
      for (const obj of await this.kube.list(spec.apiVersion, spec.kind, undefined, spec.labelSelector)) {
        await this.kube.delete({ apiVersion: spec.apiVersion, kind: spec.kind, name: obj.metadata?.name ?? '' });
      }
    }
    // BGPPeers stay readable in both versions after our controller goes (strategy None).
    const conversionError = await this.syncConversion(undefined);
    if (conversionError) throw new Error(conversionError);
    this.log.info('removed cluster-scoped objects', { event: 'finalize', namespace: this.deps.namespace });
  }
}
