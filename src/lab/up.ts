// `metallb lab up`: the whole system on this machine. By default the pods lab (up-pods.ts); with
// --processes the fast mode: a real control plane, a network of namespaces (router, nodes,
// client), our controller and one speaker per node as processes, the seed CRs and a demo Service
// whose backends answer with their node's name.
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { repoRoot } from '../util/repo-root.js';
import { startControlPlane } from './controlplane.js';
import { sleep } from './procs.js';
import { spawnAgent } from './agents.js';
import { buildTopology, CLIENT_IP, nodeIP, ROUTER_IP, SEED001_ROUTER_IP } from './topology.js';
import { LAB_ENV, readState, saveState } from './state.js';
import type { LabState } from './state.js';
import { Kube } from '../k8s/client.js';
import type { Obj } from '../k8s/client.js';
import { loadKubeConfig } from '../k8s/kubeconfig.js';
import { readObjects } from '../api/yaml.js';
import { waitFor } from './netns.js';
import { labDown, labAlive, strayNamespaces } from './down.js';
import { labUpPods } from './up-pods.js';

const NS = 'metallb-system';

export interface UpOptions {
  nodes: number;
  routerConfig?: string;
  /** The programs as local processes, no kubelets (the fast mode); default: the pods lab. */
  processes?: boolean;
  say: (s: string) => void;
}

const demoService = (nodes: string[]): Obj[] => [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'demo', namespace: 'demo' }, spec: { type: 'LoadBalancer', selector: { app: 'demo' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] } },
  // No kubelet runs pods here, so the demo's endpoints are written directly: one per node.
  { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'demo-lab', namespace: 'demo', labels: { 'kubernetes.io/service-name': 'demo', 'endpointslice.kubernetes.io/managed-by': 'metallb-lab' } },
    addressType: 'IPv4', endpoints: nodes.map((n, i) => ({ addresses: [nodeIP(i)], nodeName: n, conditions: { ready: true } })), ports: [{ port: 80, protocol: 'TCP' }] },
];

/**
 * Idempotent: a lab that is up (in the mode asked for) is left as it is; anything else of this
 * lab's (a half-up one, a crashed one's namespaces, cgroups or state) is removed first.
 */
export async function labUp(o: UpOptions): Promise<LabState> {
  const existing = readState();
  const mode = o.processes ? 'processes' : 'pods';
  if (existing && (existing.mode ?? 'processes') === mode && (await labAlive(existing))) {
    o.say('the lab is already up (nothing to do)');
    return existing;
  }
  if (existing || strayNamespaces().length > 0) {
    o.say(existing ? `a previous lab (${existing.mode ?? 'processes'}) is ${(existing.mode ?? 'processes') === mode ? 'half up' : 'up'}: removing it first` : `removing namespaces a crashed lab left (${strayNamespaces().join(', ')})`);
    await labDown(o.say);
  }
  return mode === 'pods' ? labUpPods(o) : labUpProcesses(o);
}

async function labUpProcesses(o: UpOptions): Promise<LabState> {
  const state: LabState = { version: 1, mode: 'processes', startedAt: new Date().toISOString(), tag: randomBytes(8).toString('hex'), namespaces: [], pids: {}, frrPids: [], nodes: [] };
  saveState(state);
  o.say('starting the control plane (etcd, kube-apiserver, kube-controller-manager) on 127.0.0.1');
  const cp = await startControlPlane({
    log: (s) => o.say(`  ${s}`),
    env: { [LAB_ENV]: state.tag! },
    onStateFile: (f) => {
      state.planeStateFile = f;
      saveState(state);
    },
  });
  state.kubeconfig = cp.kubeconfigPath;
  saveState(state);
  o.say('installing the metallb.io CRDs');
  await cp.installCRDs();
  await cp.kubectl(['create', 'namespace', NS]);

  const topo = await buildTopology({ nodes: o.nodes, routerConfigFile: o.routerConfig, nodeFrr: true, controlPlane: false }, o.say, (ns) => {
    state.namespaces.push(ns);
    saveState(state);
  });
  state.tmp = topo.lab.tmp;
  state.frrPids = [...topo.router.pids, ...topo.seed001Router.pids, ...topo.nodes.flatMap((n) => n.frr!.pids)];
  state.router = { ns: topo.router.ns, socketDir: topo.router.socketDir, ip: ROUTER_IP };
  state.seed001Router = { ns: topo.seed001Router.ns, socketDir: topo.seed001Router.socketDir, ip: SEED001_ROUTER_IP };
  state.client = { ns: topo.clientNs, ip: CLIENT_IP };
  state.nodes = topo.nodes.map((n, i) => ({ name: `lab-worker-${i + 1}`, ns: n.ns, ip: nodeIP(i), socketDir: n.frr!.socketDir }));
  saveState(state);

  const kube = new Kube(loadKubeConfig(cp.kubeconfigPath), 'metallb-lab');
  o.say(`creating ${o.nodes} Node object(s) labelled node-role.kubernetes.io/worker`);
  for (const n of state.nodes) await kube.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: n.name, labels: { 'node-role.kubernetes.io/worker': '', 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': n.name } } });

  o.say('starting the operator, the controller, one speaker per node, the node agents and the demo backends');
  // The operator reconciles the MetalLB CR as in a cluster; without kubelets the workloads it renders
  // never run, so its conditions say Available=False while the processes below do the work.
  // No webhook: this apiserver reaches no pod, so a configuration pointing at a Service would refuse every write.
  spawnAgent(state, 'operator', ['operator', '--kubeconfig', cp.kubeconfigPath, '--namespace', NS, '--webhook', 'off']);
  spawnAgent(state, 'controller', ['controller', '--kubeconfig', cp.kubeconfigPath, '--namespace', NS, '--metrics-address', 'off', '--identity', 'lab']);
  for (const n of state.nodes) spawnAgent(state, `speaker-${n.name}`, ['speaker', '--kubeconfig', cp.kubeconfigPath, '--namespace', NS, '--node', n.name, '--vty-socket', n.socketDir, '--metrics-address', 'off', '--l2-netns', n.ns]);
  spawnAgent(state, 'proxy', ['lab', '_proxy', '--kubeconfig', cp.kubeconfigPath, '--namespaces', state.nodes.map((n) => n.ns).join(',')]);
  for (const n of state.nodes) spawnAgent(state, `backend-${n.name}`, ['lab', '_backend', '--name', n.name, '--port', '80'], n.ns);

  o.say('applying config/samples (the seeds: MetalLB, AddressPool, BFDProfile, BGPPeer, IPAddressPool, BGPAdvertisement) and the demo Service');
  const samples = readObjects(['metallb', 'addresspool', 'bfdprofile', 'bgppeer', 'ipaddresspool', 'bgpadvertisement'].map((f) => join(repoRoot(), `config/samples/metallb_v1beta1_${f}.yaml`)));
  for (const obj of [...samples, ...demoService(state.nodes.map((n) => n.name))]) await kube.apply(obj);

  const ip = await waitFor('the demo Service to get an IP', async () => {
    const s = await kube.get<Obj>({ apiVersion: 'v1', kind: 'Service', name: 'demo', namespace: 'demo' });
    return ((s?.['status'] as { loadBalancer?: { ingress?: { ip: string }[] } } | undefined)?.loadBalancer?.ingress ?? [])[0]?.ip;
  }, 60_000);
  o.say(`the demo Service got ${ip}; waiting for the router to learn it from every node`);
  state.demoIP = ip;
  saveState(state);
  await waitFor('ECMP at the router', async () => {
    const r = await topo.router.vtysh.run(['-c', `show ip route ${ip}/32 json`]);
    const routes = (JSON.parse(r.stdout || '{}') as Record<string, { nexthops?: { active?: boolean }[] }[]>)[`${ip}/32`] ?? [];
    return routes.flatMap((x) => x.nexthops ?? []).filter((h) => h.active).length === o.nodes ? true : undefined;
  }, 120_000);
  await sleep(200);
  state.timings = { ...state.timings, ready: Date.now() };
  saveState(state);
  return state;
}
