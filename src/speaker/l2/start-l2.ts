// Layer 2 in `metallb speaker`: the liveness Lease, the loop and the announcer, started beside the
// BGP loop on the same caches and snapshot.
import type { Kube } from '../../k8s/client.js';
import type { Logger } from '../../util/log.js';
import type { Metrics } from '../../metrics/registry.js';
import { M } from '../../metrics/catalog.js';
import type { Snapshot } from '../announce/snapshot.js';
import type { Caches } from '../../k8s/caches.js';
import { Announcer } from './announcer.js';
import { LeaseTracker } from './lease-tracker.js';
import { L2Loop } from './loop.js';
import type { PacketIO } from './raw.js';
import { L2Status } from './l2-status.js';
import { ExcludedInterfaces } from './excluded-interfaces.js';
import { ServiceStatusWriter } from '../service-status/writer.js';
import type { SpeakerPod } from '../service-status/writer.js';
import { l2Supersedes } from '../service-status/plan.js';

export interface L2Options {
  io: PacketIO;
  /** Only these interfaces may answer (default: every usable one). */
  interfaces?: string[];
  leaseDurationSeconds?: number;
  renewMs?: number;
  /** Repeat gratuitous ARP / unsolicited NA this often (0 or unset: only on take-over). */
  gratuitousIntervalMs?: number;
}

export interface L2Handle {
  loop: L2Loop;
  tracker: LeaseTracker;
  stop(): Promise<void>;
}

export async function startL2(
  o: L2Options,
  d: { kube: Kube; node: string; namespace: string; log: Logger; pod?: SpeakerPod },
  caches: Caches,
  snapshot: () => Snapshot,
  metrics: Metrics,
): Promise<L2Handle> {
  const log = d.log.child({ mode: 'layer2' });
  let loop: L2Loop | undefined; // eslint-disable-line prefer-const -- assigned below, read by the tracker's callback first
  const tracker = new LeaseTracker({
    kube: d.kube,
    namespace: d.namespace,
    node: d.node,
    log,
    durationSeconds: o.leaseDurationSeconds ?? 3,
    renewMs: o.renewMs ?? 1000,
    onChange: () => loop?.trigger(),
  });
  const writer = new ServiceStatusWriter({ kube: d.kube, kind: 'ServiceL2Status', namespace: d.namespace, node: d.node, log, supersedes: l2Supersedes, ...(d.pod ? { pod: d.pod } : {}) });
  writer.start();
  const status = new L2Status({ kube: d.kube, node: d.node, log, service: (ns, name) => caches.get('Service', ns, name), writer });
  const excluded = new ExcludedInterfaces({ kube: d.kube, namespace: d.namespace, node: d.node, log, onChange: () => loop?.trigger() });
  await excluded.start();
  const announcer = new Announcer(o.io, log, metrics, {
    excluded: () => excluded.regexps(),
    ...(o.interfaces ? { allowed: o.interfaces } : {}),
    ...(o.gratuitousIntervalMs ? { gratuitousIntervalMs: o.gratuitousIntervalMs } : {}),
  });
  loop = new L2Loop({ node: d.node, snapshot, live: () => tracker.live(), announcer, report: (mine, gained) => {
      metrics.setSeries(M.speakerAnnounced, 'layer2', mine.map((a) => ({ labels: { ip: a.ip, node: d.node, protocol: 'layer2', service: a.service }, value: 1 })));
      return status.report(mine, gained);
    },
    log,
  });
  caches.onChange(() => loop?.trigger());
  await tracker.start();
  loop.start();
  return {
    loop,
    tracker,
    async stop(): Promise<void> {
      // Stop answering first, then let the others know at once.
      loop?.stop();
      await tracker.stop();
      // This node answers nothing now: its records go (bounded: a stop must not hang on the apiserver).
      await Promise.race([writer.sync(new Map()), new Promise((r) => setTimeout(r, 1000).unref())]);
      writer.stop();
      excluded.stop();
    },
  };
}
