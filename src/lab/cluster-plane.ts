// The pods lab's control plane: etcd, kube-apiserver, kube-controller-manager and kube-scheduler
// on a control-plane host of their own (a network namespace on the nodes' segment, at
// CONTROL_PLANE_IP), as a real cluster has it: kubelets and pods reach the apiserver there (pods
// through the `kubernetes` Service), and the apiserver reaches kubelets (exec, logs) and pods
// (aggregated APIs, webhooks) directly. The host reaches it through a forwarder pair
// (forward.ts) on 127.0.0.1, so no lab address is ever put on a host interface. Authorization is
// Node + RBAC with the pki.ts identities; every controller runs, node lifecycle included.
import { join } from 'node:path';
import { repoRoot } from '../util/repo-root.js';
import { ControlPlane } from './controlplane.js';
import { alive, binDir, freePort, newStateDir, probeInNetns, removeDir, startProc, stopProc, waitHealthy, waitReady, writeJsonAtomic, writeKubeconfig } from './procs.js';
import type { PlaneState, ProcState } from './procs.js';
import type { Pki } from './pki.js';
import { FRONT_PROXY_CLIENT } from './pki.js';

export const APISERVER_PORT = 6443;
export const SERVICE_CIDR = '10.96.0.0/16';
/** The `kubernetes` Service's ClusterIP: the first address of SERVICE_CIDR. */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';

export interface ClusterPlaneOptions {
  netns: string;
  address: string;
  clusterCIDR: string;
  pki: Pki;
  log: (s: string) => void;
  env?: Record<string, string>;
  onStateFile?: (file: string) => void;
}

const inNetns = (ns: string, bin: string, args: string[]): [string, string[]] => ['ip', ['netns', 'exec', ns, bin, ...args]];

export async function startClusterPlane(o: ClusterPlaneOptions): Promise<ControlPlane> {
  const bins = binDir();
  const dir = newStateDir();
  const hostPort = await freePort();
  const server = `https://127.0.0.1:${hostPort}`;
  const state: PlaneState = { dir, binDir: bins, kubeconfigPath: join(dir, 'kubeconfig'), server, token: o.pki.adminToken, procs: {} };
  const stateFile = join(dir, 'state.json');
  const save = (): void => writeJsonAtomic(stateFile, state);
  save();
  o.onStateFile?.(stateFile);
  // Inside the control-plane host, its components talk to the apiserver on its loopback.
  const inside = join(dir, 'kubeconfig-inside');
  writeKubeconfig(inside, `https://127.0.0.1:${APISERVER_PORT}`, o.pki.adminToken, o.pki.caCert);
  const start = (name: string, bin: string, args: string[], netns = true): ProcState => {
    const [b, a] = netns ? inNetns(o.netns, bin, args) : [bin, args];
    const p = startProc(b, a, join(dir, `${name}.log`), o.env);
    state.procs[name] = p;
    save();
    return p;
  };
  const cli = join(repoRoot(), 'dist/src/cli.js');
  const socket = join(dir, 'apiserver.sock');
  const started = Date.now();
  try {
    o.log(`starting etcd in ${o.netns}`);
    start('etcd', join(bins, 'etcd'), [
      '--name', 'default', '--data-dir', join(dir, 'etcd'), '--listen-client-urls', 'http://127.0.0.1:2379', '--advertise-client-urls', 'http://127.0.0.1:2379',
      '--listen-peer-urls', 'http://127.0.0.1:2380', '--initial-advertise-peer-urls', 'http://127.0.0.1:2380', '--initial-cluster', 'default=http://127.0.0.1:2380',
      '--unsafe-no-fsync', '--log-level', 'warn',
    ]);
    o.log(`forwarding ${server} (host) to the apiserver at ${o.address}:${APISERVER_PORT}`);
    start('forward-inside', process.execPath, [cli, 'lab', '_forward', '--listen', `unix:${socket}`, '--to', `tcp:127.0.0.1:${APISERVER_PORT}`]);
    start('forward-host', process.execPath, [cli, 'lab', '_forward', '--listen', `tcp:127.0.0.1:${hostPort}`, '--to', `unix:${socket}`], false);
    o.log(`starting kube-apiserver on ${o.address}:${APISERVER_PORT}`);
    const api = start('kube-apiserver', join(bins, 'kube-apiserver'), [
      '--etcd-servers', 'http://127.0.0.1:2379', '--bind-address', '0.0.0.0', '--advertise-address', o.address, '--secure-port', String(APISERVER_PORT),
      '--tls-cert-file', o.pki.apiserverCert, '--tls-private-key-file', o.pki.apiserverKey, '--client-ca-file', o.pki.caCert,
      '--token-auth-file', o.pki.tokensFile, '--authorization-mode', 'Node,RBAC',
      '--service-account-issuer', 'https://kubernetes.default.svc', '--service-account-key-file', o.pki.saPub, '--service-account-signing-key-file', o.pki.saKey,
      '--service-cluster-ip-range', SERVICE_CIDR, '--allow-privileged=true',
      '--kubelet-client-certificate', o.pki.kubeletClientCert, '--kubelet-client-key', o.pki.kubeletClientKey, '--kubelet-preferred-address-types', 'InternalIP',
      // Aggregated APIs (OLM's packageserver) and webhooks are reached at their pods' addresses:
      // this host runs no kube-proxy for their ClusterIPs.
      '--enable-aggregator-routing=true',
      // The aggregation layer's front proxy: without it the packageserver answers the apiserver's
      // discovery with 403, its APIService never becomes Available (no packagemanifests, the
      // OperatorHub view) and OLM retries its CSV hundreds of times a second.
      '--requestheader-client-ca-file', o.pki.frontProxyCaCert, '--requestheader-allowed-names', FRONT_PROXY_CLIENT,
      '--requestheader-username-headers', 'X-Remote-User', '--requestheader-group-headers', 'X-Remote-Group', '--requestheader-extra-headers-prefix', 'X-Remote-Extra-',
      '--proxy-client-cert-file', o.pki.frontProxyClientCert, '--proxy-client-key-file', o.pki.frontProxyClientKey,
      '--enable-admission-plugins', 'NodeRestriction,OwnerReferencesPermissionEnforcement', '--profiling=false', '--v=1',
    ]);
    await waitReady(state, api);
    writeKubeconfig(state.kubeconfigPath, server, o.pki.adminToken, o.pki.caCert);
    o.log('starting kube-controller-manager and kube-scheduler');
    const kcm = start('kube-controller-manager', join(bins, 'kube-controller-manager'), [
      '--kubeconfig', inside, '--authentication-kubeconfig', inside, '--authorization-kubeconfig', inside, '--leader-elect=false',
      '--bind-address', '127.0.0.1', '--secure-port', '10257', '--controllers', '*', '--cluster-cidr', o.clusterCIDR,
      '--service-account-private-key-file', o.pki.saKey, '--root-ca-file', o.pki.caCert, '--use-service-account-credentials=true', '--v=1',
    ]);
    const sched = start('kube-scheduler', join(bins, 'kube-scheduler'), [
      '--kubeconfig', inside, '--authentication-kubeconfig', inside, '--authorization-kubeconfig', inside, '--leader-elect=false',
      '--bind-address', '127.0.0.1', '--secure-port', '10259', '--v=1',
    ]);
    await waitHealthy('kube-controller-manager', () => probeInNetns(o.netns, 'https://127.0.0.1:10257/healthz', o.pki.adminToken), kcm, 90_000);
    await waitHealthy('kube-scheduler', () => probeInNetns(o.netns, 'https://127.0.0.1:10259/healthz', o.pki.adminToken), sched, 90_000);
    o.log(`control plane ready in ${Date.now() - started} ms`);
    return new ControlPlane(state, stateFile, true);
  } catch (err) {
    for (const p of Object.values(state.procs).reverse()) if (alive(p.pid)) await stopProc(p.pid, 2000);
    removeDir(dir);
    throw err;
  }
}
