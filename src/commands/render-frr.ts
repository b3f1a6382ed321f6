// `metallb render-frr --node NAME -f FILE...`: the frr.conf a node's speaker would apply.
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { UsageError } from '../util/errors.js';
import { loadOfflineObjects } from './offline-input.js';
import { snapshotFromObjects } from '../speaker/announce/build-snapshot.js';
import { planBGP } from '../speaker/announce/bgp.js';
import { render } from '../speaker/frr/render.js';

export const command: Command = {
  name: 'render-frr',
  summary: 'print the frr.conf a node would get from YAML files',
  usage: `usage: metallb render-frr --node NAME -f FILE [-f FILE...] [--lb-class CLASS]

Prints the frr.conf the speaker on node NAME would apply, computed offline from YAML files holding
the metallb.io CRs (BGPPeer, BFDProfile, IPAddressPool, AddressPool, BGPAdvertisement, Community),
Services (with status.loadBalancer.ingress), EndpointSlices, Nodes and password Secrets.
Why a Service is not announced from this node is printed on stderr. An object the speaker would
skip (e.g. a BGPPeer naming a missing BFDProfile) is left out of the config, as the speaker leaves
it out, and named on stderr. Exit 1 on invalid input or when an object is skipped.`,
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { node: { type: 'string' }, filename: { type: 'string', short: 'f', multiple: true }, 'lb-class': { type: 'string' } } });
    if (!values.node) throw new UsageError('--node NAME is required');
    if (!values.filename?.length) throw new UsageError('at least one -f FILE is required');
    const snap = snapshotFromObjects(loadOfflineObjects(values.filename), values['lb-class'] !== undefined ? { loadBalancerClass: values['lb-class'] } : {});
    const plan = planBGP(snap, values.node);
    for (const [svc, why] of Object.entries(plan.notAnnounced)) io.stderr(`# ${svc} is not announced from ${values.node}: ${why}\n`);
    if (plan.errors.length > 0) {
      io.stderr(`configuration errors (the speaker keeps its last good config until they are fixed):\n${plan.errors.map((e) => `  ${e}`).join('\n')}\n`);
      return 1;
    }
    for (const x of plan.skipped) io.stderr(`# skipped: ${x.message}\n`);
    io.stdout(render(plan.config));
    return plan.skipped.length > 0 ? 1 : 0;
  },
};
