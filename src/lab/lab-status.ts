// `metallb lab status`: what runs, and what the router and the cluster say.
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { labDir, labPrefix, readState } from './state.js';
import { repoRoot } from '../util/repo-root.js';
import { CONTROL_PLANE_IP } from './topology.js';
import type { LabState } from './state.js';
import { alive } from './procs.js';
import { makeVtysh } from '../speaker/frr/vtysh.js';

export function describeLab(s: LabState): string {
  if (s.mode === 'pods') return describePodsLab(s);
  const lines = [
    `lab started ${s.startedAt}`,
    `kubeconfig:  ${s.kubeconfig ?? '-'}`,
    `router:      namespace ${s.router?.ns} (${s.router?.ip}, AS 64521, FRR)`,
    `bgp-router:  namespace ${s.seed001Router?.ns ?? '-'} (${s.seed001Router?.ip ?? '-'}, AS 64512, seed 001's router: dynamic iBGP neighbors from 192.168.7.0/24)`,
    `client:      namespace ${s.client?.ns} (${s.client?.ip}, routes through the router)`,
    ...s.nodes.map((n) => `node:        ${n.name} in namespace ${n.ns} (${n.ip}, FRR + speaker pid ${s.pids[`speaker-${n.name}`] ?? '-'})`),
    `controller:  pid ${s.pids['controller'] ?? '-'}; operator: pid ${s.pids['operator'] ?? '-'} (no kubelets here: the speaker DaemonSet`,
    `             and controller Deployment it renders never run; these processes stand in for them)`,
    `demo:        Service demo/demo at ${s.demoIP ?? '(no IP yet)'}, backends on every node answer with their node's name`,
    `logs:        ${relative(repoRoot(), labDir())}/logs/`,
  ];
  return lines.join('\n');
}

function describePodsLab(s: LabState): string {
  const t = s.timings ?? {};
  const took = t['ready'] && t['start'] ? ` (up in ${Math.round((t['ready'] - t['start']) / 1000)} s)` : '';
  return [
    `lab started ${s.startedAt}${took}: a cluster of ${s.nodes.length} node(s) running pods`,
    `kubeconfig:  ${s.kubeconfig ?? '-'}  (node dist/src/cli.js lab kubectl ...)`,
    `control plane: namespace ${labPrefix()}cp (${CONTROL_PLANE_IP}: etcd, kube-apiserver, kube-controller-manager, kube-scheduler)`,
    `router:      namespace ${s.router?.ns} (${s.router?.ip}, AS 64521, FRR)`,
    `bgp-router:  namespace ${s.seed001Router?.ns ?? '-'} (${s.seed001Router?.ip ?? '-'}, AS 64512, seed 001's router)`,
    `client:      namespace ${s.client?.ns} (${s.client?.ip}, routes through the router)`,
    ...s.nodes.map((n) => `node:        ${n.name} in namespace ${n.ns} (${n.ip}; containerd, kubelet, kube-proxy; pods ${s.runtimes?.[n.name]?.podCIDR ?? '-'})`),
    'installed:   CoreDNS, OLM; metallb-operator from our CatalogSource (openshift-marketplace) by seed 002\'s Subscription',
    `demo:        Service demo/demo at ${s.demoIP ?? '(no IP yet)'} (agnhost serve-hostname pods, one per node)`,
    `logs:        ${relative(repoRoot(), labDir())}/logs/ (node processes); kubectl logs for pods`,
  ].join('\n');
}

export const nextSteps = (s: LabState): string => (s.mode === 'pods' ? `next:
  node dist/src/cli.js lab kubectl get csv,pods -n metallb-system -o wide
  node dist/src/cli.js lab kubectl get metallb -n metallb-system
  node dist/src/cli.js lab kubectl -n metallb-system exec <speaker-pod> -c frr -- vtysh -c "show bgp summary"
  node dist/src/cli.js lab vtysh lab-worker-1 -c "show bfd peers"     (the same, by node name)
  node dist/src/cli.js lab vtysh router -c "show ip route"
  node dist/src/cli.js lab curl ${s.demoIP ?? '<the demo IP>'}      (repeat it: ECMP spreads over the pods)
  node dist/src/cli.js lab down` : `next:
  node dist/src/cli.js lab kubectl get svc -A
  node dist/src/cli.js lab vtysh router -c "show bgp summary"
  node dist/src/cli.js lab vtysh router -c "show ip route"
  node dist/src/cli.js lab vtysh lab-worker-1 -c "show running-config"
  node dist/src/cli.js lab curl ${s.demoIP ?? '<the demo IP>'}      (repeat it: ECMP spreads over the nodes)
  node dist/src/cli.js lab down`);

export async function labStatus(): Promise<string> {
  const s = readState();
  if (!s) return 'no lab is up (make lab)';
  const procs = Object.entries(s.pids).map(([role, pid]) => `  ${role.padEnd(28)} ${alive(pid) ? 'running' : 'STOPPED'} (pid ${pid})`);
  const nsLines = s.namespaces.map((ns) => `  ${ns.padEnd(28)} ${existsSync(`/run/netns/${ns}`) ? 'present' : 'MISSING'}`);
  let bgp = '';
  if (s.router) {
    const r = await makeVtysh({ socketDir: s.router.socketDir }).run(['-c', 'show bgp summary']);
    bgp = r.code === 0 ? r.stdout : `router vtysh failed: ${r.stderr}`;
  }
  return `${describeLab(s)}\n\nprocesses:\n${procs.join('\n')}\nnamespaces:\n${nsLines.join('\n')}\n\nrouter: show bgp summary\n${bgp}`;
}
