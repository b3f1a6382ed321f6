// `metallb lab up|down|status|apply|kubectl|vtysh|curl`: the whole system on this machine.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import type { Command, CommandIO } from './command.js';
import { UsageError, ValidationError } from '../util/errors.js';
import { readState } from '../lab/state.js';
import type { LabState } from '../lab/state.js';
import { labUp } from '../lab/up.js';
import { labDown } from '../lab/down.js';
import { describeLab, labStatus, nextSteps } from '../lab/lab-status.js';
import { binDir, run } from '../lab/procs.js';
import { makeVtysh } from '../speaker/frr/vtysh.js';
import { runBackend, runProxy } from '../lab/node-agents.js';
import { Kube } from '../k8s/client.js';
import { loadKubeConfig } from '../k8s/kubeconfig.js';
import { makeLogger } from '../util/log.js';
import { forward, parseEndpoint } from '../lab/forward.js';

const USAGE = `usage: metallb lab <subcommand> [args]

  up [--nodes N] [--router-config FILE] [--processes]
                                          start everything (idempotent): a control-plane host,
                                          N nodes (default 2) each running containerd, kubelet
                                          and kube-proxy, CoreDNS, OLM; install the operator
                                          through OLM (seed 002), apply config/samples and a
                                          demo Deployment + LoadBalancer Service (make images first)
                                          --processes: the fast mode, no kubelets: the operator,
                                          controller and one speaker per node (beside its own FRR)
                                          as processes
  down                                    stop every process and remove every namespace and file
  status                                  what runs where, and the router's BGP summary
  apply -f FILE                           kubectl apply with the lab's kubeconfig
  kubectl ARGS...                         kubectl with the lab's kubeconfig
  vtysh NODE|router|bgp-router -c CMD     vtysh on a node's FRR (e.g. lab-worker-1: in the pods lab,
                                          kubectl exec into its speaker pod's frr container), the
                                          router's, or seed 001's bgp-router (AS 64512 at 192.168.7.10)
  curl IP[:PORT] [--from WHERE]           an HTTP GET from the client namespace (through the router),
                                          or from router, bgp-router (seed 001's) or a node

Runs as root; all traffic stays inside the network namespaces the lab creates.
METALLB_LAB_NAME=NAME names a second lab beside the first (namespaces mlb-NAME-*, state in
.cache/lab-NAME): the tests run theirs this way.`;

/** The speaker pod on a node of the pods lab. */
export async function speakerPod(s: LabState, node: string): Promise<string> {
  const r = await run(join(binDir(), 'kubectl'), ['--kubeconfig', s.kubeconfig!, '-n', 'metallb-system', 'get', 'pods', '-l', 'component=speaker', '--field-selector', `spec.nodeName=${node}`, '-o', 'jsonpath={.items[0].metadata.name}']);
  if (r.code !== 0 || !r.stdout.trim()) throw new ValidationError(`no speaker pod runs on ${node}${r.stderr ? `: ${r.stderr.trim()}` : ''}`);
  return r.stdout.trim();
}

function need(): LabState {
  const s = readState();
  if (!s?.kubeconfig) throw new ValidationError('no lab is up: run `make lab` (or `metallb lab up`) first');
  return s;
}

/** The namespace of a lab member by role: client, router, bgp-router or a node's name. */
function namespaceOf(s: LabState, who: string): string {
  const ns = who === 'client' ? s.client?.ns : who === 'router' ? s.router?.ns : who === 'bgp-router' ? s.seed001Router?.ns : s.nodes.find((n) => n.name === who)?.ns;
  if (!ns) throw new UsageError(`unknown place "${who}" (client, router, bgp-router, ${s.nodes.map((n) => n.name).join(', ')})`);
  return ns;
}

/** An HTTP GET from inside one of the lab's namespaces (no curl binary needed). */
function curlFrom(ns: string, target: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const [host, port = '80'] = target.split(':');
  const script = `require('http').get({host:${JSON.stringify(host)},port:${Number(port)},timeout:3000},r=>{let b='';r.on('data',d=>b+=d);r.on('end',()=>{process.stdout.write(b)})}).on('error',e=>{console.error(e.message);process.exit(1)}).on('timeout',function(){this.destroy(new Error('timed out'))})`;
  return run('ip', ['netns', 'exec', ns, process.execPath, '-e', script]);
}

async function sub(name: string, rest: string[], io: CommandIO): Promise<number> {
  const say = (m: string): void => io.stderr(`lab: ${m}\n`);
  switch (name) {
    case 'up': {
      const { values } = parseArgs({ args: rest, options: { nodes: { type: 'string', default: '2' }, 'router-config': { type: 'string' }, processes: { type: 'boolean', default: false } } });
      const nodes = Number(values.nodes);
      if (!Number.isInteger(nodes) || nodes < 1 || nodes > 8) throw new UsageError('--nodes must be 1 to 8');
      binDir(); // fails early with "run make controlplane" when the control plane is not built
      const s = await labUp({ nodes, processes: values.processes, ...(values['router-config'] ? { routerConfig: values['router-config'] } : {}), say });
      io.stdout(`${describeLab(s)}\n\n${nextSteps(s)}\n`);
      return 0;
    }
    case 'down':
      await labDown(say);
      return 0;
    case 'status':
      io.stdout(`${await labStatus()}\n`);
      return 0;
    case 'kubectl':
    case 'apply': {
      const s = need();
      const args = name === 'apply' ? ['apply', ...rest] : rest;
      const r = await run(join(binDir(), 'kubectl'), ['--kubeconfig', s.kubeconfig!, ...args]);
      io.stdout(r.stdout);
      io.stderr(r.stderr);
      return r.code;
    }
    case 'vtysh': {
      const s = need();
      const [who, ...args] = rest;
      const node = s.mode === 'pods' ? s.nodes.find((n) => n.name === who) : undefined;
      if (node) {
        // What a user types: oc exec <speaker pod> -c frr -- vtysh ...
        const pod = await speakerPod(s, node.name);
        const r = await run(join(binDir(), 'kubectl'), ['--kubeconfig', s.kubeconfig!, '-n', 'metallb-system', 'exec', pod, '-c', 'frr', '--', 'vtysh', ...args]);
        io.stdout(r.stdout);
        io.stderr(r.stderr);
        return r.code;
      }
      const dir = who === 'router' ? s.router?.socketDir : who === 'bgp-router' ? s.seed001Router?.socketDir : s.nodes.find((n) => n.name === who || n.ns.endsWith(who ?? ''))?.socketDir;
      if (!dir) throw new UsageError(`unknown node "${who ?? ''}" (router, bgp-router, ${s.nodes.map((n) => n.name).join(', ')})`);
      const r = await makeVtysh({ socketDir: dir }).run(args);
      io.stdout(r.stdout);
      io.stderr(r.stderr);
      return r.code;
    }
    case 'curl': {
      const s = need();
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { from: { type: 'string', default: 'client' } } });
      if (!positionals[0]) throw new UsageError('curl IP[:PORT] [--from WHERE]');
      const r = await curlFrom(namespaceOf(s, values.from), positionals[0]);
      io.stdout(r.stdout);
      io.stderr(r.stderr);
      return r.code;
    }
    case '_proxy': {
      const { values } = parseArgs({ args: rest, options: { kubeconfig: { type: 'string' }, namespaces: { type: 'string' } } });
      await runProxy(new Kube(loadKubeConfig(values.kubeconfig), 'metallb-lab-proxy'), (values.namespaces ?? '').split(',').filter(Boolean), makeLogger('lab-proxy'));
      await new Promise(() => undefined); // runs until `lab down` stops it
      return 0;
    }
    case '_forward': {
      const { values } = parseArgs({ args: rest, options: { listen: { type: 'string' }, to: { type: 'string' } } });
      if (!values.listen || !values.to) throw new UsageError('_forward --listen unix:PATH|tcp:HOST:PORT --to unix:PATH|tcp:HOST:PORT');
      await forward(parseEndpoint(values.listen), parseEndpoint(values.to));
      await new Promise(() => undefined); // runs until the lab stops it
      return 0;
    }
    case '_backend': {
      const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, port: { type: 'string', default: '80' } } });
      await runBackend(values.name ?? 'backend', Number(values.port));
      await new Promise(() => undefined);
      return 0;
    }
    default:
      throw new UsageError(`unknown subcommand "${name}"`);
  }
}

export const command: Command = {
  name: 'lab',
  summary: 'run the whole system on this machine (control plane, FRR nodes, router)',
  usage: USAGE,
  async run(argv, io) {
    const [name, ...rest] = argv;
    if (!name) throw new UsageError('a subcommand is required');
    return sub(name, rest, io);
  },
};
