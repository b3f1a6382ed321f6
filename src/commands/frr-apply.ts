// `metallb frr-apply -f desired.conf`: a drop-in for `frr-reload.py --reload` that applies the
// minimal vtysh delta for the contexts MetalLB owns, then verifies FRR converged.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { UsageError } from '../util/errors.js';
import { applyConfig } from '../speaker/frr/apply.js';
import { redactSecrets } from '../speaker/frr/diff.js';
import { makeVtysh } from '../speaker/frr/vtysh.js';

export const command: Command = {
  name: 'frr-apply',
  summary: 'apply a desired frr.conf to a running FRR with a minimal vtysh delta',
  usage: `usage: metallb frr-apply -f FILE [--vty-socket DIR | -N PATHSPACE] [--dry-run] [--show-secrets]

Applies FILE ('-' for stdin) to the running FRR: reads 'show running-config', computes the
difference for router bgp, route-map, ip/ipv6 prefix-list, nht and bfd, checks it with 'vtysh -C'
(network lines and prefix-list entries are validated here instead), applies it in one vtysh run that
also prints the config afterwards, and fails if anything is left. Other lines (hostname, log,
interfaces, ...) are not changed. FRR is never restarted and no session is cleared.

  -f, --file FILE        the desired frr.conf
  --vty-socket DIR       directory of the daemons' vty sockets (vtysh --vty_socket)
  -N, --pathspace NAME   FRR pathspace (vtysh -N)
  --dry-run              print the delta that would be applied; change nothing (exit 0)
  --show-secrets         print BGP passwords in the --dry-run delta instead of <redacted>

Exit status: 0 when FRR matches FILE, 1 on error (FILE rejected, or FRR did not converge).`,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        file: { type: 'string', short: 'f' },
        'vty-socket': { type: 'string' },
        pathspace: { type: 'string', short: 'N' },
        'dry-run': { type: 'boolean', default: false },
        'show-secrets': { type: 'boolean', default: false },
      },
    });
    if (!values.file) throw new UsageError('-f FILE is required');
    const text = readFileSync(values.file === '-' ? 0 : values.file, 'utf8');
    const vtysh = makeVtysh({
      ...(values['vty-socket'] ? { socketDir: values['vty-socket'] } : {}),
      ...(values.pathspace ? { pathspace: values.pathspace } : {}),
    });
    const dryRun = values['dry-run'] === true;
    const result = await applyConfig(vtysh, text, { dryRun });
    if (dryRun) {
      io.stdout(values['show-secrets'] ? result.delta : redactSecrets(result.delta));
      io.stderr(`${result.commands} command(s) to apply\n`);
      return 0;
    }
    io.stderr(result.changed ? `applied ${result.commands} command(s); FRR converged in ${Math.round(result.timingsMs.total)} ms\n` : 'already converged; nothing to apply\n');
    return 0;
  },
};
