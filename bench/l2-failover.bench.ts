// Layer 2 failover on real components: a control plane, our controller, three `metallb speaker`
// processes in node namespaces (test/l2/l2-lab.ts) and a client. FAILOVERS times per mode, the
// leader of a Service IP is stopped — "stop": SIGTERM (the speaker deletes its liveness Lease),
// "crash": SIGKILL (the others wait for the Lease to expire) — and the client measures the time
// from the signal to the first gratuitous ARP of the new leader. Prints JSON.
import { performance } from 'node:perf_hooks';
import { startControlPlane } from '../test/helpers/controlplane.js';
import { Kube } from '../src/k8s/client.js';
import type { Obj } from '../src/k8s/client.js';
import { loadKubeConfig } from '../src/k8s/kubeconfig.js';
import { silentLogger } from '../src/util/log.js';
import { runController } from '../src/controller/run.js';
import { waitFor } from '../src/lab/netns.js';
import { sleep } from '../src/lab/procs.js';
import { packetIO } from '../src/speaker/l2/raw.js';
import { parseArp } from '../src/speaker/l2/arp.js';
import { formatMAC, ipText } from '../src/speaker/l2/frame.js';
import { layer2NodeAnnotation } from '../src/api/object-names.js';
import { acceptOnNodes, destroyL2Lab, startL2Lab, startSpeaker, stopSpeaker } from '../test/l2/l2-lab.js';
import type { L2Lab } from '../test/l2/l2-lab.js';
import { median, round } from './stats.js';

const FAILOVERS = Number(process.env['FAILOVERS'] ?? 20);
/** stop: SIGTERM; crash: SIGKILL with the default Lease (3 s, renewed every 1 s); crash-2s: SIGKILL with a 2 s Lease renewed every 500 ms. */
const MODE_DEFS = {
  stop: { signal: 'SIGTERM', args: [] },
  crash: { signal: 'SIGKILL', args: [] },
  'crash-2s': { signal: 'SIGKILL', args: ['--l2-lease-duration', '2', '--l2-renew-ms', '500'] },
} as const;
const MODES = (process.env['MODES'] ?? 'stop,crash,crash-2s').split(',') as (keyof typeof MODE_DEFS)[];
const NS = 'metallb-system';
const APPS = 'l2-bench';
const NODES = ['l2b-node-1', 'l2b-node-2', 'l2b-node-3'];
const IP = '192.168.77.200';

const cp = await startControlPlane({ withControllerManager: false });
let lab: L2Lab | undefined;
try {
  await cp.installCRDs();
  const admin = new Kube(loadKubeConfig(cp.kubeconfigPath), 'bench');
  for (const ns of [NS, APPS]) await cp.kubectl(['create', 'namespace', ns]);
  for (const n of NODES) await admin.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: n } });
  const controller = await runController({ kube: new Kube(loadKubeConfig(cp.kubeconfigPath), 'metallb-controller'), log: silentLogger(), namespace: NS, identity: 'bench' });
  lab = await startL2Lab('l2b', cp.kubeconfigPath, NS, NODES);
  let args: readonly string[] = [];
  const speakerArgs = (): string[] => ['--log-level', 'warn', ...args];
  for (const n of lab.nodes) startSpeaker(lab, n, speakerArgs());
  const cr = (kind: string, name: string, spec: Record<string, unknown>): Obj => ({ apiVersion: 'metallb.io/v1beta1', kind, metadata: { name, namespace: NS }, spec });
  await admin.apply(cr('IPAddressPool', 'bench', { addresses: [`${IP}/32`] }));
  await admin.apply(cr('L2Advertisement', 'bench', { ipAddressPools: ['bench'] }));
  await admin.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: APPS }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP' }] } });
  await admin.apply({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-bench', namespace: APPS, labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'bench' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.131.0.10'], nodeName: NODES[0], conditions: { ready: true } }], ports: [{ port: 80, protocol: 'TCP' }] });
  await acceptOnNodes(lab, IP);

  // The client hears every gratuitous ARP for the IP.
  const garps: { t: number; mac: string }[] = [];
  const sock = packetIO(lab.clients[0]).open('eth0', (f) => {
    const a = parseArp(f);
    if (a && a.senderIP.equals(a.targetIP) && ipText(a.targetIP) === IP) garps.push({ t: performance.now(), mac: formatMAC(a.senderMAC) });
  });
  const leaderName = async (): Promise<string> =>
    waitFor('the leader', async () => (await admin.get<Obj>({ apiVersion: 'v1', kind: 'Service', name: 'web', namespace: APPS }))?.metadata?.annotations?.[layer2NodeAnnotation(IP)], 30_000);
  /** Quiet for 2.5 s: takeover announcements are over and every speaker agrees. */
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 60; i++) {
      const last = garps.at(-1)?.t ?? 0;
      if (performance.now() - last > 2500) return;
      await sleep(250);
    }
  };
  const results: Record<string, unknown> = {};
  for (const mode of MODES) {
    const def = MODE_DEFS[mode];
    if (def.args.join(' ') !== args.join(' ')) {
      // every speaker restarted with this mode's flags
      args = def.args;
      for (const n of lab.nodes) {
        await stopSpeaker(n);
        startSpeaker(lab, n, speakerArgs());
      }
    }
    const samples: number[] = [];
    for (let i = 0; i < FAILOVERS; i++) {
      await settle();
      const name = await leaderName();
      const leader = lab.nodes.find((n) => n.name === name)!;
      const from = garps.length;
      const t0 = performance.now();
      const stopped = stopSpeaker(leader, def.signal);
      const first = await waitFor('the new leader\'s gratuitous ARP', () => garps.slice(from).find((g) => g.t >= t0 && g.mac !== leader.macs[0]), 30_000, 100_000);
      samples.push(first.t - t0);
      await stopped;
      // The restarted speaker must be live in the API (a renewal newer than its restart) before the
      // next round: otherwise its own takeover could land inside the next measurement.
      const restarted = Date.now();
      startSpeaker(lab, leader, speakerArgs());
      await waitFor('the restarted speaker renewing', async () => {
        const l = await admin.get<Obj>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: `metallb-speaker-${leader.name}`, namespace: NS });
        const renew = Date.parse(((l?.['spec'] ?? {}) as { renewTime?: string }).renewTime ?? '');
        return renew > restarted ? true : undefined;
      }, 30_000);
      await sleep(500);
    }
    results[mode] = { signal: def.signal, speakerFlags: def.args.join(' '), failovers: samples.length, medianMs: round(median(samples)), maxMs: round(Math.max(...samples)), minMs: round(Math.min(...samples)), samplesMs: samples.map((s) => round(s)) };
  }
  sock.close();
  await controller.stop();
  process.stdout.write(`${JSON.stringify({ benchmark: 'l2-failover', what: 'signal to the leader\'s speaker → first gratuitous ARP of the new leader, seen by the client', defaults: { leaseDurationSeconds: 3, renewMs: 1000 }, targetMedianMs: 2000, ...results }, null, 2)}\n`);
} finally {
  await destroyL2Lab(lab);
  await cp.stop();
}
