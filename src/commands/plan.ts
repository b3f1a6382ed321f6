// `metallb plan -f FILE... [-o json]`: which IP each Service gets and which nodes announce it.
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { UsageError } from '../util/errors.js';
import { loadOfflineObjects } from './offline-input.js';
import { plan } from '../plan/plan.js';

export const command: Command = {
  name: 'plan',
  summary: 'print which IP each Service gets and which nodes announce it, offline',
  usage: `usage: metallb plan -f FILE [-f FILE...] [-o text|json] [--lb-class CLASS]

Runs the controller's allocator and the speakers' planners offline over YAML files holding pools
(IPAddressPool, AddressPool, the legacy "config" ConfigMap), advertisements, peers, Nodes,
Services and EndpointSlices. For every LoadBalancer Service it prints its IPs, pool, the nodes
that announce it by BGP and the node that answers for it by layer 2, or the error a user would
see. Services that already have status.loadBalancer.ingress keep those IPs, as after a controller
restart. -o json prints {"services":[{namespace,name,ips,pool,bgpNodes,l2Node,error}],"errors":[]}.
Exit 1 on configuration errors (invalid objects, conflicting advertisements, ...).`,
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { filename: { type: 'string', short: 'f', multiple: true }, output: { type: 'string', short: 'o', default: 'text' }, 'lb-class': { type: 'string' } } });
    if (!values.filename?.length) throw new UsageError('at least one -f FILE is required');
    if (values.output !== 'text' && values.output !== 'json') throw new UsageError('-o must be text or json');
    const result = plan(loadOfflineObjects(values.filename), values['lb-class']);
    if (values.output === 'json') io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    else {
      const rows = [['SERVICE', 'IPS', 'POOL', 'BGP NODES', 'L2 NODE', 'ERROR'], ...result.services.map((s) => [`${s.namespace}/${s.name}`, s.ips.join(',') || '-', s.pool ?? '-', s.bgpNodes.join(',') || '-', s.l2Node ?? '-', s.error ?? ''])];
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      io.stdout(rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n');
      for (const e of result.errors) io.stderr(`error: ${e}\n`);
    }
    return result.errors.length > 0 ? 1 : 0;
  },
};
