// A pods-lab node: containerd, kubelet and kube-proxy in the node's network namespace and in one
// private mount namespace of the node's own (docs/adr/0012-real-pods-lab.md). containerd starts
// first, inside `nsenter --net` + `unshare --mount`, after mounting tmpfs over the few host paths
// containerd and kubelet insist on (/run/containerd, /var/log/containers); kubelet and kube-proxy
// then join its namespaces. Every mount (overlay rootfs, volumes, pod netns files) exists only in
// that mount namespace, so it vanishes with the node's processes: nothing to unmount on the host.
// What persists outside is the node's directory (under the lab's) and its cgroup, named after the
// node (removeCgroup).
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { binDir, run, sleep, writeKubeconfig } from './procs.js';
import { digestRef } from '../bundle/pin-images.js';
import { spawnRecorded } from './agents.js';
import type { LabState, NodeRuntimeState } from './state.js';
import { containerdSocket, nodeConfigFiles } from './node-config.js';
import type { Pki } from './pki.js';

export interface NodeSpec {
  name: string;
  ns: string;
  ip: string;
  podCIDR: string;
}

export interface ClusterFacts {
  clusterCIDR: string;
  clusterDNS: string;
  pauseImage: string;
  /** The apiserver as nodes reach it. */
  server: string;
  pki: Pki;
}

/** The machine's cgroup mount points (v1 hierarchies and the unified one). */
export function cgroupMounts(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').flatMap((l) => {
    const [pre, post] = l.split(' - ');
    const fstype = post?.split(' ')[0];
    return fstype === 'cgroup' || fstype === 'cgroup2' ? [pre!.split(' ')[4]!] : [];
  });
}

/** Creates the node's cgroup in every hierarchy (kubelet refuses a cgroup root that is missing). */
function createCgroup(root: string): void {
  for (const m of cgroupMounts()) {
    const d = join(m, root);
    mkdirSync(d, { recursive: true });
    // A cpuset cgroup takes no task until it has CPUs and memory nodes: its parent's.
    if (existsSync(join(m, 'cpuset.cpus')) && existsSync(join(d, 'cpuset.cpus'))) {
      for (const f of ['cpuset.cpus', 'cpuset.mems']) writeFileSync(join(d, f), readFileSync(join(m, f)));
    }
  }
}

export function prepareNode(labDirPath: string, node: NodeSpec, cluster: ClusterFacts, cgroupRoot: string): NodeRuntimeState {
  const dir = join(labDirPath, 'nodes', node.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const files = nodeConfigFiles({ name: node.name, ip: node.ip, dir, podCIDR: node.podCIDR, clusterCIDR: cluster.clusterCIDR, cgroupRoot, clusterDNS: cluster.clusterDNS, pauseImage: cluster.pauseImage, cniBinDir: '/usr/lib/cni' });
  for (const [f, text] of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  copyFileSync(cluster.pki.caCert, join(dir, 'ca.crt'));
  writeKubeconfig(join(dir, 'kubelet.kubeconfig'), cluster.server, cluster.pki.nodeTokens[node.name]!, cluster.pki.caCert);
  writeKubeconfig(join(dir, 'kube-proxy.kubeconfig'), cluster.server, cluster.pki.kubeProxyToken, cluster.pki.caCert);
  // The holder: private mounts first, then containerd becomes the mount namespace's first process.
  writeFileSync(join(dir, 'containerd.sh'), [
    'set -e',
    'for d in /run/containerd /var/log/containers; do mkdir -p "$d"; mount -t tmpfs -o mode=0755 tmpfs "$d"; done',
    `exec containerd --config ${join(dir, 'containerd.toml')}`,
    '',
  ].join('\n'));
  chmodSync(join(dir, 'containerd.sh'), 0o755);
  createCgroup(cgroupRoot);
  return { dir, cgroupRoot, podCIDR: node.podCIDR, containerdSocket: containerdSocket(dir) };
}

const ctr = (rt: NodeRuntimeState, args: string[]): ReturnType<typeof run> => run('ctr', ['-a', rt.containerdSocket, '-n', 'k8s.io', ...args]);

export async function startContainerd(state: LabState, node: NodeSpec, rt: NodeRuntimeState): Promise<number> {
  const pid = spawnRecorded(state, `containerd-${node.name}`, 'nsenter', [`--net=/run/netns/${node.ns}`, 'unshare', '--mount', '--propagation', 'private', 'sh', join(rt.dir, 'containerd.sh')]);
  const deadline = Date.now() + 30_000;
  while ((await ctr(rt, ['version'])).code !== 0) {
    if (Date.now() > deadline) throw new Error(`containerd of ${node.name} did not answer on ${rt.containerdSocket} (see its log)`);
    await sleep(100);
  }
  return pid;
}

/** One imported image: its reference, the OCI archive it comes from, and other names it has. */
export interface ImageArchive {
  ref: string;
  archive: string;
  /** The manifest digest (sha256:...), which the OCI archive keeps through containerd's import. */
  digest: string;
  aliases: string[];
}

/** `quay.io/x/y:v1` → `quay.io/x/y@sha256:...`: the name OLM's catalogs and CatalogSources use. */
export function pinnedRef(img: Pick<ImageArchive, 'ref' | 'digest'>): string {
  return digestRef(img.ref, img.digest);
}

/** Reads operator/build-local.sh's index (ref, archive, digest, aliases). */
export function readImageIndex(file: string): ImageArchive[] {
  if (!existsSync(file)) throw new Error(`${file} is missing: run 'make images' (operator/build-local.sh) first`);
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => {
    const [ref, archive, digest, aliases] = l.split('\t');
    if (!digest?.startsWith('sha256:')) throw new Error(`${file}: '${ref}' has no manifest digest: run 'make images' again`);
    return { ref: ref!, archive: archive!, digest, aliases: aliases && aliases !== '-' ? aliases.split(',') : [] };
  });
}

/** Imports every image into the node's containerd (what `docker load` is to a registry pull). */
export async function importImages(rt: NodeRuntimeState, images: readonly ImageArchive[]): Promise<void> {
  for (const img of images) {
    const r = await ctr(rt, ['images', 'import', img.archive]);
    if (r.code !== 0) throw new Error(`importing ${img.archive}: ${r.stderr.trim()}`);
    // By digest too: a kubelet asked for repo@sha256:... looks the image up by that name.
    for (const a of [pinnedRef(img), ...img.aliases]) {
      const t = await ctr(rt, ['images', 'tag', '--force', img.ref, a]);
      if (t.code !== 0) throw new Error(`tagging ${img.ref} as ${a}: ${t.stderr.trim()}`);
    }
  }
}

export function startKubelet(state: LabState, node: NodeSpec, rt: NodeRuntimeState, containerdPid: number): number {
  return spawnRecorded(state, `kubelet-${node.name}`, 'nsenter', ['-t', String(containerdPid), '-m', '-n', join(binDir(), 'kubelet'),
    '--config', join(rt.dir, 'kubelet.yaml'), '--kubeconfig', join(rt.dir, 'kubelet.kubeconfig'), '--root-dir', join(rt.dir, 'kubelet'),
    '--cert-dir', join(rt.dir, 'kubelet-pki'), '--hostname-override', node.name, '--node-ip', node.ip, '--v=1']);
}

export function startKubeProxy(state: LabState, node: NodeSpec, rt: NodeRuntimeState, containerdPid: number): number {
  return spawnRecorded(state, `kube-proxy-${node.name}`, 'nsenter', ['-t', String(containerdPid), '-m', '-n', join(binDir(), 'kube-proxy'),
    '--config', join(rt.dir, 'kube-proxy.yaml'), '--v=1']);
}

/** PIDs of every process in the node's cgroup (its pods' containers), in any hierarchy. */
export function cgroupPids(root: string): number[] {
  const pids = new Set<number>();
  const walk = (d: string): void => {
    try {
      for (const p of readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n')) if (Number(p) > 0) pids.add(Number(p));
      for (const e of readdirSync(d)) if (statSync(join(d, e)).isDirectory()) walk(join(d, e));
    } catch {
      /* removed meanwhile */
    }
  };
  for (const m of cgroupMounts()) if (existsSync(join(m, root))) walk(join(m, root));
  return [...pids];
}

/** Removes a node's cgroups in every hierarchy (deepest first; empty once its processes are gone). */
export function removeCgroup(root: string): void {
  const remove = (d: string): void => {
    for (const e of readdirSync(d)) if (statSync(join(d, e)).isDirectory()) remove(join(d, e));
    try {
      rmdirSync(d);
    } catch {
      /* a process still in it: reported by the caller's check */
    }
  };
  for (const m of cgroupMounts()) if (existsSync(join(m, root))) remove(join(m, root));
}
