// `metallb speaker`: the per-node announcer (BGP through the FRR sidecar).
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { UsageError } from '../util/errors.js';
import { makeLogger } from '../util/log.js';
import type { LogLevel } from '../util/log.js';
import { loadKubeConfig } from '../k8s/kubeconfig.js';
import { Kube } from '../k8s/client.js';
import { makeVtysh } from '../speaker/frr/vtysh.js';
import { runSpeaker } from '../speaker/run.js';

export const command: Command = {
  name: 'speaker',
  summary: 'run the speaker on one node: announce by BGP (FRR)',
  usage: `usage: metallb speaker [--node NAME] [--namespace NS] [--kubeconfig FILE] [--vty-socket DIR]
                       [--log-level LEVEL] [--lb-class CLASS] [--metrics-address HOST:PORT]

Runs the speaker for one node: watches BGPPeers, BFDProfiles, pools, advertisements, Services,
EndpointSlices and Nodes; renders this node's frr.conf and applies the minimal delta to the FRR
sidecar through vtysh; publishes session state in BGPPeer status and nodeAssigned Events.
  --node            the Node this speaker runs on (default $NODE_NAME)
  --namespace       where the metallb.io objects live (default $NAMESPACE or metallb-system)
  --vty-socket      FRR's vty socket directory (default: vtysh's own default)
  --metrics-address where /metrics and /healthz listen (default 0.0.0.0:7472; "off" disables)`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        node: { type: 'string' }, namespace: { type: 'string' }, kubeconfig: { type: 'string' }, 'vty-socket': { type: 'string' },
        'log-level': { type: 'string', default: 'info' }, 'lb-class': { type: 'string' }, 'metrics-address': { type: 'string', default: '0.0.0.0:7472' },
      },
    });
    const node = values.node ?? process.env['NODE_NAME'];
    if (!node) throw new UsageError('--node NAME (or $NODE_NAME) is required');
    const log = makeLogger('speaker', values['log-level'] as LogLevel);
    const kube = new Kube(loadKubeConfig(values.kubeconfig), `metallb-speaker-${node}`.slice(0, 128));
    const ma = values['metrics-address'];
    const [host, port] = ma && ma !== 'off' ? [ma.slice(0, ma.lastIndexOf(':')), Number(ma.slice(ma.lastIndexOf(':') + 1))] : [undefined, undefined];
    const handle = await runSpeaker({
      kube, log, node,
      namespace: values.namespace ?? process.env['NAMESPACE'] ?? 'metallb-system',
      vtysh: makeVtysh(values['vty-socket'] ? { socketDir: values['vty-socket'] } : {}),
      ...(values['lb-class'] ? { loadBalancerClass: values['lb-class'] } : {}),
      ...(host !== undefined && port !== undefined ? { metricsAddress: { host, port } } : {}),
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
