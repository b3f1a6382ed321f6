// The speaker with 10,000 Services, on the real control plane and a real FRR (one network
// namespace): every Service has an IP from a bgp AddressPool and a ready endpoint on the node, so
// the node announces all 10,000 /32s to its peer. The speaker runs in its own process
// (`metallb speaker`), as in a cluster, so its RSS is its own. Measures the RSS once FRR holds
// every prefix (and after two resync periods), its peak, and the time from the last write to the
// last prefix in FRR, and the speaker's CPU time. Target: RSS <= 200 MB. Runs the speaker as
// shipped (heap growth 50 %) and then with V8's own heap growth (`--heap-growth-percent 0`), each
// on a fresh control plane, and prints one JSON line per variant. VARIANTS=default runs only the
// first. The peer address is never reachable (the namespace has only `lo`), so no packet leaves
// the namespace.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { startControlPlane } from '../test/helpers/controlplane.js';
import { sleep } from '../src/lab/procs.js';
import { frrUnavailable, Lab } from '../src/lab/netns.js';
import { Kube } from '../src/k8s/client.js';
import type { Obj } from '../src/k8s/client.js';
import { loadKubeConfig } from '../src/k8s/kubeconfig.js';
import { repoRoot } from '../src/util/repo-root.js';
import { round } from './stats.js';
import { inBatches, procCpuSeconds, procMemMB } from './proc.js';

const TOTAL = Number(process.env['SERVICES'] ?? 10_000);
const NS = 'metallb-system';
const APPS = 'bench';
const NODE = 'bench-node';
const POOL = 'bench-pool';


const ipOf = (i: number): string => `10.64.${i >> 8}.${i & 255}`;
const service = (i: number): Obj => ({
  apiVersion: 'v1', kind: 'Service',
  metadata: { name: `svc-${i}`, namespace: APPS, annotations: { 'metallb.io/ip-allocated-from-pool': POOL } },
  spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, selector: { app: `a${i}` }, ports: [{ port: 80, protocol: 'TCP' }] },
});
const slice = (i: number): Obj => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
  metadata: { name: `svc-${i}-bench`, namespace: APPS, labels: { 'kubernetes.io/service-name': `svc-${i}`, 'endpointslice.kubernetes.io/managed-by': 'bench' } },
  addressType: 'IPv4', endpoints: [{ addresses: [`10.131.${i >> 8}.${i & 255}`], nodeName: NODE, conditions: { ready: true } }], ports: [{ port: 80, protocol: 'TCP' }],
});


const VARIANTS: Record<string, string[]> = { default: [], 'v8-heap-growth': ['--heap-growth-percent', '0'] };

async function main(): Promise<void> {
  const why = frrUnavailable();
  if (why) {
    process.stdout.write(`${JSON.stringify({ benchmark: 'speaker', skipped: why })}\n`);
    return;
  }
  const names = process.env['VARIANTS'] === 'default' ? ['default'] : Object.keys(VARIANTS);
  for (const name of names) await runVariant(name, VARIANTS[name] as string[]);
}

async function runVariant(variant: string, speakerFlags: string[]): Promise<void> {
  const cp = await startControlPlane({ withControllerManager: false });
  const lab = new Lab('sbench');
  let child: ReturnType<typeof spawn> | undefined;
  try {
    await cp.installCRDs();
    const ns = await lab.namespace('n1');
    const frr = await lab.startFrr(ns);
    await cp.kubectl(['create', 'namespace', NS]);
    await cp.kubectl(['create', 'namespace', APPS]);
    const admin = new Kube(loadKubeConfig(cp.kubeconfigPath), 'bench');
    await admin.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE, labels: { 'kubernetes.io/os': 'linux' } } });
    await admin.apply({ apiVersion: 'metallb.io/v1beta1', kind: 'AddressPool', metadata: { name: POOL, namespace: NS }, spec: { protocol: 'bgp', addresses: ['10.64.0.0/16'] } });
    await admin.apply({ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'peer', namespace: NS }, spec: { myASN: 64520, peerASN: 64521, peerAddress: '10.99.0.1' } });
    // SPEAKER_NODE_OPTIONS: V8 flags for the speaker process (e.g. a heap limit), as a pod's NODE_OPTIONS.
    const nodeOptions = process.env['SPEAKER_NODE_OPTIONS'];
    child = spawn(process.execPath, [...(nodeOptions ? nodeOptions.split(' ') : []), `${repoRoot()}/dist/src/cli.js`, 'speaker', '--kubeconfig', cp.kubeconfigPath, '--node', NODE, '--namespace', NS, '--vty-socket', frr.socketDir, '--metrics-address', 'off', '--log-level', 'error', '--l2', 'off', ...speakerFlags], { stdio: 'inherit' });
    const pid = child.pid as number;
    await sleep(2000);
    const idleRss = procMemMB(pid, 'VmRSS');

    const w0 = performance.now();
    await inBatches(0, TOTAL, (i) => admin.apply(service(i)));
    await inBatches(0, TOTAL, (i) => admin.apply(slice(i)));
    await inBatches(0, TOTAL, (i) => admin.patchStatus({ apiVersion: 'v1', kind: 'Service', name: `svc-${i}`, namespace: APPS }, { loadBalancer: { ingress: [{ ip: ipOf(i) }] } }));
    const wroteAll = performance.now();

    const announced = async (): Promise<number> => {
      const r = await frr.vtysh.run(['-c', 'show running-config']);
      return (r.stdout.match(/^ {2}network 10\.64\./gm) ?? []).length;
    };
    let count = 0;
    const deadline = Date.now() + 600_000;
    while ((count = await announced()) < TOTAL && Date.now() < deadline) await sleep(250);
    const allAnnounced = performance.now();
    const rssAtConvergence = procMemMB(pid, 'VmRSS');
    await sleep(12_000); // two resync periods (5 s) and status polls on the full set
    const rss = procMemMB(pid, 'VmRSS');
    const peak = procMemMB(pid, 'VmHWM');
    const cpu = procCpuSeconds(pid);
    process.stdout.write(`${JSON.stringify({
      benchmark: 'speaker',
      variant,
      speakerFlags: speakerFlags.join(' '),
      services: TOTAL,
      nodeOptions: nodeOptions ?? '',
      announced: count,
      writeAllObjectsMs: Math.round(wroteAll - w0),
      lastWriteToAllInFrrMs: Math.round(allAnnounced - wroteAll),
      rssMB: { idle: round(idleRss), atConvergence: round(rssAtConvergence), after12s: round(rss), peak: round(peak) },
      speakerCpuSeconds: round(cpu),
      target: { rssMB: 200 },
      meetsTarget: rss <= 200 && peak <= 200,
    })}\n`);
  } finally {
    child?.kill('SIGTERM');
    lab.destroySync();
    await cp.stop();
  }
}

await main();
