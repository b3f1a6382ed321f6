// What each pods-lab node's runtime is configured with (pure; golden-tested): containerd's
// config, the CNI network (bridge + host-local on the node's pod CIDR), the KubeletConfiguration
// and the KubeProxyConfiguration. Paths are under the node's own directory, so two nodes (and
// two labs) on one machine never share a socket, a state directory or a cgroup.
import { join } from 'node:path';

export interface NodeConfigInput {
  name: string;
  ip: string;
  dir: string;
  podCIDR: string;
  clusterCIDR: string;
  cgroupRoot: string;
  clusterDNS: string;
  /** The image the pod sandboxes run (our build of kubernetes' pause). */
  pauseImage: string;
  cniBinDir: string;
}

export const containerdSocket = (dir: string): string => join(dir, 'containerd.sock');

export function nodeConfigFiles(n: NodeConfigInput): Map<string, string> {
  const files = new Map<string, string>();
  files.set('containerd.toml', `# containerd for node ${n.name} (ADR 0012)
version = 2
root = "${join(n.dir, 'containerd')}"
state = "${join(n.dir, 'containerd-state')}"
[grpc]
  address = "${containerdSocket(n.dir)}"
[plugins."io.containerd.internal.v1.opt"]
  path = "${join(n.dir, 'opt')}"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${n.pauseImage}"
  # Pod network namespaces are bind-mounted under the state directory, not /run/netns: the host's
  # \`ip netns\` list never shows them, and nothing is left there after a crash.
  netns_mounts_under_state_dir = true
  # This machine's root has no CAP_SYS_RESOURCE: it cannot lower a process's oom_score_adj, which
  # runc is asked to do for every pod (kubelet gives -998 to the sandbox). Containerd then keeps
  # each container's at least its own, as it does for rootless runtimes.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${n.cniBinDir}"
    conf_dir = "${join(n.dir, 'cni')}"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
`);
  files.set('cni/10-lab-pods.conflist', `${JSON.stringify({
    cniVersion: '0.4.0',
    name: 'lab-pods',
    plugins: [
      {
        type: 'bridge', bridge: 'cni0', isGateway: true, ipMasq: true, hairpinMode: true,
        ipam: { type: 'host-local', ranges: [[{ subnet: n.podCIDR }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: join(n.dir, 'cni-ipam') },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  }, null, 2)}\n`);
  files.set('kubelet.yaml', `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: ${n.ip}
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
containerRuntimeEndpoint: unix://${containerdSocket(n.dir)}
cgroupDriver: cgroupfs
cgroupRoot: /${n.cgroupRoot}
# cgroup v1 (this machine's hierarchy) is still supported by this kubelet when asked.
failCgroupV1: false
failSwapOn: false
clusterDNS: [${n.clusterDNS}]
clusterDomain: cluster.local
resolvConf: /dev/null
# Pod logs under the node's directory (the default, /var/log/pods, would mix two nodes').
podLogsDir: ${join(n.dir, 'pod-logs')}
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: ${join(n.dir, 'ca.crt')}}
authorization: {mode: Webhook}
# Images cannot be pulled again here (no registry): never garbage-collect them, and evict only
# when the machine itself runs out.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, nodefs.inodesFree: 1%, imagefs.available: 1%}
serializeImagePulls: false
`);
  files.set('kube-proxy.yaml', `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: ${join(n.dir, 'kube-proxy.kubeconfig')}}
hostnameOverride: ${n.name}
bindAddress: ${n.ip}
mode: iptables
clusterCIDR: ${n.clusterCIDR}
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
# nf_conntrack_max is the machine's, not the node namespace's: leave it alone.
conntrack: {maxPerCore: 0}
`);
  return files;
}
