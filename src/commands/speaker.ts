// `metallb speaker`: the per-node announcer (BGP through the FRR sidecar, layer 2 by ARP/NDP).
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { installProcessHandlers, metricsAddressOf, programKube } from './program.js';
import { UsageError } from '../util/errors.js';
import { makeLogger } from '../util/log.js';
import type { LogLevel } from '../util/log.js';
import { makeVtysh } from '../speaker/frr/vtysh.js';
import { runSpeaker } from '../speaker/run.js';
import { packetIO } from '../speaker/l2/raw.js';
import { setHeapGrowthPercent } from '../util/heap.js';
import { parseDuration } from '../api/duration.js';

export const command: Command = {
  name: 'speaker',
  summary: 'run the speaker on one node: announce by BGP (FRR) and layer 2 (ARP/NDP)',
  usage: `usage: metallb speaker [--node NAME] [--namespace NS] [--kubeconfig FILE] [--vty-socket DIR]
                       [--log-level LEVEL] [--lb-class CLASS] [--metrics-address HOST:PORT] [--metrics-cert-dir DIR]
                       [--l2 on|off] [--l2-interfaces IF,...] [--l2-netns NAME]
                       [--l2-lease-duration SECONDS] [--l2-renew-ms MS] [--l2-gratuitous-interval DURATION]
                       [--heap-growth-percent N]

Runs the speaker for one node: watches BGPPeers, BFDProfiles, pools, advertisements, Services,
EndpointSlices and Nodes; renders this node's frr.conf and applies the minimal delta to the FRR
sidecar through vtysh; publishes session state in BGPPeer status, nodeAssigned Events and a
ServiceBGPStatus per announced Service. Layer 2: renews this node's liveness Lease, answers ARP/NDP
for the IPs this node leads and writes their ServiceL2Status. $POD_NAME and $POD_UID (downward API)
make the speaker Pod the owner of those status objects.
  --node            the Node this speaker runs on (default $NODE_NAME)
  --namespace       where the metallb.io objects live (default $NAMESPACE or metallb-system)
  --vty-socket      FRR's vty socket directory (default: vtysh's own default)
  --metrics-address where /metrics and /healthz listen (default 0.0.0.0:7472; "off" disables)
  --metrics-cert-dir  serve them over HTTPS (tls.crt, tls.key, re-read when they change); /metrics
                    then needs a bearer token allowed "get /metrics" (TokenReview + SubjectAccessReview)
  --l2              layer 2 announcements (default on)
  --l2-interfaces   the only interfaces that may answer ARP/NDP (default: every one that is up)
  --l2-netns        open the layer 2 sockets in this network namespace (tests, the lab)
  --l2-lease-duration  liveness Lease duration in seconds (default 3): failover time on a crash
  --l2-renew-ms     liveness Lease renewal interval (default 1000)
  --l2-gratuitous-interval  repeat gratuitous ARP / unsolicited NA for the IPs this node answers
                    this often, e.g. 30s (default 0s: only when it takes an IP over; else ≥ 1s);
                    the operator sets it from MetalLB spec.speakerGratuitousARPInterval
  --heap-growth-percent  how far the JS heap may grow past its live size before a full GC
                    (default 50, as GOGC=50; 0 = V8's adaptive factor, up to 300 %)`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        node: { type: 'string' }, namespace: { type: 'string' }, kubeconfig: { type: 'string' }, 'vty-socket': { type: 'string' },
        'log-level': { type: 'string', default: 'info' }, 'lb-class': { type: 'string' }, 'metrics-address': { type: 'string', default: '0.0.0.0:7472' }, 'metrics-cert-dir': { type: 'string' },
        l2: { type: 'string', default: 'on' }, 'l2-interfaces': { type: 'string' }, 'l2-netns': { type: 'string' },
        'l2-lease-duration': { type: 'string', default: '3' }, 'l2-renew-ms': { type: 'string', default: '1000' },
        'l2-gratuitous-interval': { type: 'string', default: '0s' },
        'heap-growth-percent': { type: 'string', default: '50' },
      },
    });
    const node = values.node ?? process.env['NODE_NAME'];
    if (!node) throw new UsageError('--node NAME (or $NODE_NAME) is required');
    if (values.l2 !== 'on' && values.l2 !== 'off') throw new UsageError('--l2 is on or off');
    const duration = Number(values['l2-lease-duration']);
    const renewMs = Number(values['l2-renew-ms']);
    if (!Number.isInteger(duration) || duration < 1) throw new UsageError('--l2-lease-duration is a whole number of seconds ≥ 1');
    if (!Number.isFinite(renewMs) || renewMs < 50 || renewMs >= duration * 1000) throw new UsageError('--l2-renew-ms must be ≥ 50 and shorter than the lease duration');
    const garp = parseDuration(values['l2-gratuitous-interval']);
    if (garp === undefined || (garp !== 0 && garp < 1)) throw new UsageError('--l2-gratuitous-interval is a duration: 0s, or at least 1s (e.g. 30s)');
    const growth = Number(values['heap-growth-percent']);
    if (!Number.isInteger(growth) || growth < 0 || growth > 1000) throw new UsageError('--heap-growth-percent is a whole number from 0 to 1000');
    setHeapGrowthPercent(growth);
    const log = makeLogger('speaker', values['log-level'] as LogLevel);
    installProcessHandlers(log);
    const kube = programKube(values.kubeconfig, `metallb-speaker-${node}`.slice(0, 128), log);
    const handle = await runSpeaker({
      kube, log, node,
      namespace: values.namespace ?? process.env['NAMESPACE'] ?? 'metallb-system',
      vtysh: makeVtysh(values['vty-socket'] ? { socketDir: values['vty-socket'] } : {}),
      ...(values['lb-class'] ? { loadBalancerClass: values['lb-class'] } : {}),
      ...(process.env['POD_NAME'] && process.env['POD_UID'] ? { pod: { name: process.env['POD_NAME'], uid: process.env['POD_UID'] } } : {}),
      ...metricsAddressOf(values['metrics-address'], values['metrics-cert-dir']),
      ...(values.l2 === 'on'
        ? { l2: { io: packetIO(values['l2-netns']), leaseDurationSeconds: duration, renewMs, gratuitousIntervalMs: garp * 1000, ...(values['l2-interfaces'] ? { interfaces: values['l2-interfaces'].split(',').map((x) => x.trim()).filter(Boolean) } : {}) } }
        : {}),
    });
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        // A graceful stop, with a deadline: a kept-alive connection or a vtysh still running must
        // not keep a stopped speaker alive (the kubelet would wait out the grace period).
        setTimeout(() => process.exit(0), 5000).unref();
        void handle.stop().then(resolve);
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    return 0;
  },
};
