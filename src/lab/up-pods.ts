// `metallb lab up` (the default): a real cluster on this machine, installed the way users install
// us. A control-plane host and N nodes, each node a network namespace running containerd, kubelet
// and kube-proxy; CoreDNS; OLM; then seed 002's flow: our CatalogSource, the Namespace,
// OperatorGroup and Subscription → InstallPlan → CSV Succeeded → the operator pod → config/samples
// → the controller Deployment and speaker DaemonSet (speaker + frr) as pods → BGP + BFD to the
// router → the demo Service (agnhost pods) reachable from the client with ECMP.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { repoRoot } from '../util/repo-root.js';
import { buildTopology, CLIENT_IP, CLUSTER_CIDR, CONTROL_PLANE_IP, nodeIP, podCIDR, ROUTER_IP, SEED001_ROUTER_IP } from './topology.js';
import { LAB_ENV, labDir, labPrefix, saveState } from './state.js';
import type { LabState } from './state.js';
import { makePki } from './pki.js';
import { APISERVER_PORT, KUBERNETES_SERVICE_IP, startClusterPlane } from './cluster-plane.js';
import type { ControlPlane } from './controlplane.js';
import { importImages, pinnedRef, prepareNode, readImageIndex, startContainerd, startKubelet, startKubeProxy } from './node-runtime.js';
import type { ImageArchive, NodeSpec } from './node-runtime.js';
import { GLOBAL_CATALOG_NAMESPACE, olmDeployDir, olmObjects, toolVersion } from './olm.js';
import { parseObjects, toYaml } from '../api/yaml.js';
import { waitFor } from './netns.js';
import type { UpOptions } from './up.js';

const NS = 'metallb-system';
export const CLUSTER_DNS_IP = '10.96.0.10';
/**
 * Seed 002's CatalogSource with its image pinned by digest, as a release's catalog is: OLM pulls a
 * catalog named by tag with imagePullPolicy Always, and no registry here answers.
 */
export function pinCatalogSource(text: string, images: readonly ImageArchive[]): string {
  return parseObjects(text, 'catalogsource').map((o) => {
    const spec = o['spec'] as { image?: string };
    const img = images.find((i) => i.ref === spec.image);
    if (!img) throw new Error(`the CatalogSource's image ${spec.image} is not in ${imagesIndex()}: run 'make images'`);
    return `---\n${toYaml({ ...o, spec: { ...spec, image: pinnedRef(img) } })}`;
  }).join('');
}

/**
 * Seed 002's BGPPeer with enableGracefulRestart: on pods, a speaker restart (a deleted pod, an
 * upgrade rolling the DaemonSet) restarts FRR too, and only graceful restart keeps the router's
 * routes meanwhile. It is negotiated in the OPEN, so it is there from the first session.
 */
export function withGracefulRestart(text: string): string {
  // v1beta2 is the version that has the field (v1beta1 has the same spec without it).
  return parseObjects(text, 'bgppeer').map((o) => `---\n${toYaml({ ...o, apiVersion: 'metallb.io/v1beta2', spec: { ...(o['spec'] as object), enableGracefulRestart: true } })}`).join('');
}

export const imagesIndex = (): string => join(repoRoot(), '.cache/images/index.tsv');

/** kubectl that must succeed; its stdout. */
async function must(cp: ControlPlane, args: string[], input?: string): Promise<string> {
  const r = await cp.kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Polls a kubectl jsonpath until `ok` accepts its output. */
async function waitJson(cp: ControlPlane, what: string, args: string[], ok: (out: string) => boolean, timeoutMs: number): Promise<string> {
  return waitFor(what, async () => {
    const r = await cp.kubectl(args);
    return r.code === 0 && ok(r.stdout.trim()) ? r.stdout.trim() : undefined;
  }, timeoutMs, 100_000);
}

export async function labUpPods(o: UpOptions): Promise<LabState> {
  const images = readImageIndex(imagesIndex());
  const state: LabState = { version: 1, mode: 'pods', startedAt: new Date().toISOString(), tag: randomBytes(8).toString('hex'), namespaces: [], pids: {}, frrPids: [], nodes: [], runtimes: {}, timings: {} };
  const mark = (k: string): void => {
    state.timings![k] = Date.now();
    saveState(state);
  };
  saveState(state);
  mark('start');
  const names = Array.from({ length: o.nodes }, (_, i) => `lab-worker-${i + 1}`);
  const topo = await buildTopology({ nodes: o.nodes, routerConfigFile: o.routerConfig, nodeFrr: false, controlPlane: true }, o.say, (ns) => {
    state.namespaces.push(ns);
    saveState(state);
  });
  state.tmp = topo.lab.tmp;
  state.frrPids = [...topo.router.pids, ...topo.seed001Router.pids];
  state.router = { ns: topo.router.ns, socketDir: topo.router.socketDir, ip: ROUTER_IP };
  state.seed001Router = { ns: topo.seed001Router.ns, socketDir: topo.seed001Router.socketDir, ip: SEED001_ROUTER_IP };
  state.client = { ns: topo.clientNs, ip: CLIENT_IP };
  state.nodes = topo.nodes.map((n, i) => ({ name: names[i]!, ns: n.ns, ip: nodeIP(i), socketDir: '' }));
  saveState(state);

  o.say(`making the cluster's certificates and tokens; starting the control plane on its own host (${CONTROL_PLANE_IP})`);
  const pki = await makePki(join(labDir(), 'pki'), names, ['127.0.0.1', CONTROL_PLANE_IP, KUBERNETES_SERVICE_IP], ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'localhost']);
  const cp = await startClusterPlane({
    netns: topo.controlPlaneNs!, address: CONTROL_PLANE_IP, clusterCIDR: CLUSTER_CIDR, pki, log: (s) => o.say(`  ${s}`), env: { [LAB_ENV]: state.tag! },
    onStateFile: (f) => {
      state.planeStateFile = f;
      saveState(state);
    },
  });
  state.kubeconfig = cp.kubeconfigPath;
  mark('controlPlane');

  o.say(`starting ${o.nodes} node(s): containerd + kubelet + kube-proxy each, importing ${images.length} images`);
  const pause = images.find((i) => i.ref.startsWith('registry.k8s.io/pause:'));
  if (!pause) throw new Error(`${imagesIndex()} lists no pause image: run 'make images'`);
  const cluster = { clusterCIDR: CLUSTER_CIDR, clusterDNS: CLUSTER_DNS_IP, pauseImage: pause.ref, server: `https://${CONTROL_PLANE_IP}:${APISERVER_PORT}`, pki };
  await Promise.all(state.nodes.map(async (n, i) => {
    const spec: NodeSpec = { name: n.name, ns: n.ns, ip: n.ip, podCIDR: podCIDR(i) };
    const rt = prepareNode(labDir(), spec, cluster, `${labPrefix()}${n.name}`);
    state.runtimes![n.name] = rt;
    saveState(state);
    const containerd = await startContainerd(state, spec, rt);
    await importImages(rt, images);
    startKubelet(state, spec, rt, containerd);
    startKubeProxy(state, spec, rt, containerd);
  }));
  await waitJson(cp, 'every kubelet to register its Node', ['get', 'nodes', '-o', 'name'], (v) => names.every((n) => v.split('\n').includes(`node/${n}`)), 60_000);
  await must(cp, ['wait', '--for=condition=Ready', '--timeout=120s', ...names.map((n) => `node/${n}`)]);
  // A role label is the admin's to set (a kubelet may not give itself one): seed 002's MetalLB CR selects it.
  await must(cp, ['label', '--overwrite', 'node', ...names, 'node-role.kubernetes.io/worker=']);
  mark('nodesReady');

  o.say('starting the cluster DNS (CoreDNS)');
  const coredns = images.find((i) => i.ref.startsWith('registry.k8s.io/coredns/'))!.ref;
  await must(cp, ['apply', '-f', '-'], readFileSync(join(repoRoot(), 'config/lab/coredns.yaml'), 'utf8').replace('COREDNS_IMAGE', coredns).replace('CLUSTER_DNS_IP', CLUSTER_DNS_IP));

  o.say(`installing OLM ${toolVersion('olm')} (its CRDs and deployments; global catalog namespace ${GLOBAL_CATALOG_NAMESPACE})`);
  const deploy = olmDeployDir();
  await must(cp, ['apply', '--server-side', '-f', join(deploy, 'crds.yaml')]);
  await must(cp, ['wait', '--for=condition=Established', '--timeout=60s', '-f', join(deploy, 'crds.yaml')]);
  // The monitoring APIs an OpenShift cluster serves, before the operator starts (it looks once).
  await must(cp, ['apply', '--server-side', '-f', join(repoRoot(), 'config/lab/monitoring-crds.yaml')]);
  await must(cp, ['wait', '--for=condition=Established', '--timeout=60s', '-f', join(repoRoot(), 'config/lab/monitoring-crds.yaml')]);
  await must(cp, ['create', 'namespace', GLOBAL_CATALOG_NAMESPACE]);
  const olm = olmObjects(readFileSync(join(deploy, 'olm.yaml'), 'utf8'), { olm: images.find((i) => i.ref.startsWith('quay.io/operator-framework/olm:'))!.ref, opm: images.find((i) => i.ref.startsWith('quay.io/operator-framework/opm:'))!.ref });
  await must(cp, ['apply', '--server-side', '-f', '-'], olm.map((x) => `---\n${toYaml(x)}`).join(''));
  await must(cp, ['-n', 'olm', 'rollout', 'status', '--timeout=180s', 'deployment/olm-operator', 'deployment/catalog-operator']);
  await must(cp, ['-n', 'kube-system', 'rollout', 'status', '--timeout=120s', 'deployment/coredns']);
  // OperatorHub's view (packagemanifests) is OLM's aggregated API: it must answer too.
  await waitJson(cp, 'OLM\'s packageserver CSV Succeeded', ['-n', 'olm', 'get', 'csv', 'packageserver', '-o', 'jsonpath={.status.phase}'], (v) => v === 'Succeeded', 180_000);
  await must(cp, ['wait', '--for=condition=Available', '--timeout=120s', 'apiservice/v1.packages.operators.coreos.com']);
  mark('olmReady');

  o.say('seed 002: the CatalogSource, then the Namespace, OperatorGroup and Subscription (operator/olm/)');
  await must(cp, ['apply', '-f', '-'], pinCatalogSource(readFileSync(join(repoRoot(), 'operator/olm/catalogsource.yaml'), 'utf8'), images));
  await must(cp, ['apply', '-f', join(repoRoot(), 'operator/olm/subscription.yaml')]);
  mark('subscribed');
  const csv = await waitJson(cp, 'the Subscription to install a CSV', ['-n', NS, 'get', 'subscription', 'metallb-operator-sub', '-o', 'jsonpath={.status.installedCSV}'], (v) => v !== '', 300_000);
  await waitJson(cp, `CSV ${csv} Succeeded`, ['-n', NS, 'get', 'csv', csv, '-o', 'jsonpath={.status.phase}'], (v) => v === 'Succeeded', 300_000);
  mark('csvSucceeded');
  o.say(`${csv} Succeeded; applying config/samples (the seeds: MetalLB, AddressPool, BFDProfile, BGPPeer, IPAddressPool, BGPAdvertisement)`);
  for (const f of ['metallb', 'addresspool', 'bfdprofile', 'bgppeer', 'ipaddresspool', 'bgpadvertisement']) {
    const text = readFileSync(join(repoRoot(), `config/samples/metallb_v1beta1_${f}.yaml`), 'utf8');
    const body = f === 'bgppeer' ? withGracefulRestart(text) : text;
    // The CRDs come with the CSV; their apply can race their establishment by a moment, and the
    // admission webhook answers once the controller it is served by runs. Any other refusal
    // (the webhook's own "denied the request") is the answer, at once.
    await waitFor(`config/samples ${f} applied`, async () => {
      const r = await cp.kubectl(['apply', '-f', '-'], body);
      if (r.code === 0) return true;
      if (/no matches for kind|ensure CRDs are installed|the server could not find the requested resource|failed calling webhook/.test(r.stderr)) return undefined;
      throw new Error(`config/samples ${f}: ${r.stderr.trim()}`);
    }, 180_000);
  }
  await waitJson(cp, 'the speaker DaemonSet on every node', ['-n', NS, 'get', 'daemonset', 'speaker', '-o', 'jsonpath={.status.numberReady}/{.status.desiredNumberScheduled}'], (v) => v === `${o.nodes}/${o.nodes}`, 300_000);
  await must(cp, ['-n', NS, 'rollout', 'status', '--timeout=180s', 'deployment/controller']);
  mark('speakersReady');
  await must(cp, ['-n', NS, 'wait', '--for=condition=Available', '--timeout=120s', 'metallb/metallb']);

  o.say('the demo: seed 002\'s hello-node (agnhost serve-hostname, one pod per node) behind a LoadBalancer Service');
  await must(cp, ['apply', '-f', join(repoRoot(), 'config/lab/demo.yaml')]);
  const ip = await waitJson(cp, 'the demo Service to get an IP', ['-n', 'demo', 'get', 'svc', 'demo', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'], (v) => v !== '', 120_000);
  state.demoIP = ip;
  saveState(state);
  o.say(`the demo Service got ${ip}; waiting for the router to learn it from every node`);
  await waitFor('ECMP at the router', async () => {
    const r = await topo.router.vtysh.run(['-c', `show ip route ${ip}/32 json`]);
    const routes = (JSON.parse(r.stdout || '{}') as Record<string, { nexthops?: { active?: boolean }[] }[]>)[`${ip}/32`] ?? [];
    return routes.flatMap((x) => x.nexthops ?? []).filter((h) => h.active).length === o.nodes ? true : undefined;
  }, 180_000, 100_000);
  await must(cp, ['-n', 'demo', 'rollout', 'status', '--timeout=120s', 'deployment/demo']);
  mark('ready');
  return state;
}
