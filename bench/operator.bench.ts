// Operator benchmark on the real control plane (make controlplane): time from `apply` of the
// MetalLB CR until every rendered object exists (median of 20 create/delete cycles), and the
// operator's writes while idle (target 0 per minute). Prints JSON.
import { performance } from 'node:perf_hooks';
import { startControlPlane } from '../test/helpers/controlplane.js';
import { sleep } from '../src/lab/procs.js';
import { Kube, refOf } from '../src/k8s/client.js';
import type { Obj } from '../src/k8s/client.js';
import { loadKubeConfig } from '../src/k8s/kubeconfig.js';
import { silentLogger } from '../src/util/log.js';
import { runOperator } from '../src/operator/run.js';
import { operatorRender } from '../src/operator/render-setup.js';
import { median, percentile, round } from './stats.js';

const RUNS = Number(process.env['RUNS'] ?? 20);
const IDLE_MS = Number(process.env['IDLE_MS'] ?? 60_000);
const NS = 'metallb-system';
const cr = { apiVersion: 'metallb.io/v1beta1', kind: 'MetalLB', metadata: { name: 'metallb', namespace: NS }, spec: { nodeSelector: { 'node-role.kubernetes.io/worker': '' } } } as Obj;

async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(5);
  }
}

const cp = await startControlPlane();
try {
  await cp.installCRDs();
  await cp.kubectl(['create', 'namespace', NS]);
  const admin = new Kube(loadKubeConfig(cp.kubeconfigPath), 'bench');
  const opKube = new Kube(loadKubeConfig(cp.kubeconfigPath), 'metallb-operator');
  const render = operatorRender(NS);
  const expected = render(cr as never, false).map(refOf);
  const op = await runOperator({ kube: opKube, log: silentLogger(), namespace: NS, render, openshift: false });
  const applyMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await admin.apply(cr);
    await until('all objects applied', async () => (await Promise.all(expected.map((r) => admin.get(r)))).every((o) => o !== undefined));
    applyMs.push(performance.now() - t0);
    await admin.delete(refOf(cr));
    await until('CR and objects gone', async () => (await admin.get(refOf(cr))) === undefined && (await admin.get(expected[expected.length - 1]!)) === undefined);
  }
  await admin.apply(cr);
  await until('applied', async () => (await Promise.all(expected.map((r) => admin.get(r)))).every((o) => o !== undefined));
  await op.reconciler.queue.idle();
  await sleep(2000); // let DaemonSet/Deployment status settle once
  const before = opKube.totalWrites;
  await sleep(IDLE_MS);
  const idleWrites = opKube.totalWrites - before;
  op.stop();
  process.stdout.write(`${JSON.stringify({
    benchmark: 'operator',
    objects: expected.length,
    runs: RUNS,
    crApplyToAllObjectsMs: { median: round(median(applyMs)), p90: round(percentile(applyMs, 90)), max: round(Math.max(...applyMs)) },
    idle: { windowSeconds: IDLE_MS / 1000, writes: idleWrites, writesPerMinute: round((idleWrites * 60_000) / IDLE_MS, 2), target: 0 },
  })}\n`);
} finally {
  await cp.stop();
}
