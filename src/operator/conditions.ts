// MetalLB status conditions computed from what the cluster really reports (pure). The operator only
// writes status when this result differs from what is stored.
import type { Condition } from '../api/common.js';

export interface WorkloadStatus {
  deployment?: { generation?: number; status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number } };
  daemonSet?: {
    generation?: number;
    status?: { observedGeneration?: number; desiredNumberScheduled?: number; updatedNumberScheduled?: number; numberAvailable?: number };
  };
}

export interface ConditionInput extends WorkloadStatus {
  generation: number;
  applyErrors: readonly string[];
  /** A problem with the CR itself (wrong name or namespace): Degraded, nothing deployed. */
  crProblem?: string;
  /** Degraded's reason for crProblem (default NotTheSingleton). */
  crProblemReason?: string;
  /** Extra information for Degraded=False (e.g. a legacy ConfigMap to migrate). */
  notice?: string;
  /** Something the CR asks for that is not done (spec-notices.ts): Degraded, the rest deployed. */
  specProblem?: { reason: string; message: string };
  /** The LegacyConfigMap condition (legacy-notice.ts), present only while that ConfigMap exists. */
  legacy?: Partial4;
}

type Partial4 = Omit<Condition, 'lastTransitionTime' | 'observedGeneration'>;

function available(i: ConditionInput): Partial4 {
  const d = i.deployment?.status;
  const s = i.daemonSet?.status;
  const ctrl = `controller ${d?.availableReplicas ?? 0}/${d?.replicas ?? 1} available`;
  const desired = s?.desiredNumberScheduled ?? 0;
  if (i.daemonSet && s?.observedGeneration !== undefined && desired === 0) {
    return { type: 'Available', status: 'False', reason: 'NoSpeakerNodes', message: `no node matches spec.nodeSelector and spec.speakerTolerations, so no speaker runs; ${ctrl}` };
  }
  const speakers = `speakers ${s?.numberAvailable ?? 0}/${desired} available`;
  const ok = (d?.availableReplicas ?? 0) >= 1 && desired > 0 && (s?.numberAvailable ?? 0) >= desired;
  return ok
    ? { type: 'Available', status: 'True', reason: 'AllAvailable', message: `${ctrl}; ${speakers}` }
    : { type: 'Available', status: 'False', reason: 'NotAvailable', message: `${ctrl}; ${speakers}` };
}

function progressing(i: ConditionInput): Partial4 {
  const dep = i.deployment;
  const ds = i.daemonSet;
  const why: string[] = [];
  if (!dep || (dep.status?.observedGeneration ?? -1) < (dep.generation ?? 0) || (dep.status?.updatedReplicas ?? 0) < (dep.status?.replicas ?? 1)) why.push('controller rollout in progress');
  const desired = ds?.status?.desiredNumberScheduled ?? 0;
  if (!ds || (ds.status?.observedGeneration ?? -1) < (ds.generation ?? 0) || (ds.status?.updatedNumberScheduled ?? 0) < desired) why.push('speaker rollout in progress');
  return why.length > 0
    ? { type: 'Progressing', status: 'True', reason: 'RollingOut', message: why.join('; ') }
    : { type: 'Progressing', status: 'False', reason: 'Deployed', message: 'controller and speakers are at the desired generation' };
}

export function computeConditions(i: ConditionInput, previous: readonly Condition[] | undefined, now: string): Condition[] {
  let list: Partial4[];
  if (i.crProblem) {
    list = [
      { type: 'Available', status: 'False', reason: 'NotReconciled', message: i.crProblem },
      { type: 'Progressing', status: 'False', reason: 'NotReconciled', message: i.crProblem },
      { type: 'Degraded', status: 'True', reason: i.crProblemReason ?? 'NotTheSingleton', message: i.crProblem },
      { type: 'Upgradeable', status: 'True', reason: 'AsExpected', message: '' },
    ];
  } else {
    const prog = progressing(i);
    list = [
      available(i),
      prog,
      i.applyErrors.length > 0
        ? { type: 'Degraded', status: 'True', reason: 'ApplyFailed', message: i.applyErrors.join('; ') }
        : i.specProblem
          ? { type: 'Degraded', status: 'True', reason: i.specProblem.reason, message: i.specProblem.message }
          : { type: 'Degraded', status: 'False', reason: 'AsExpected', message: i.notice ?? '' },
      prog.status === 'True'
        ? { type: 'Upgradeable', status: 'False', reason: 'RollingOut', message: 'wait for the rollout to finish before upgrading' }
        : { type: 'Upgradeable', status: 'True', reason: 'AsExpected', message: '' },
    ];
    if (i.legacy) list.push(i.legacy);
  }
  return list.map((c) => {
    const prev = previous?.find((p) => p.type === c.type);
    const lastTransitionTime = prev && prev.status === c.status ? prev.lastTransitionTime : now;
    return { ...c, observedGeneration: i.generation, lastTransitionTime };
  });
}

/** True when two condition lists say the same thing (times aside): no status write needed. */
export function sameConditions(a: readonly Condition[] | undefined, b: readonly Condition[]): boolean {
  if (!a || a.length !== b.length) return false;
  return b.every((c) => {
    const o = a.find((x) => x.type === c.type);
    return !!o && o.status === c.status && o.reason === c.reason && o.message === c.message && o.observedGeneration === c.observedGeneration;
  });
}
