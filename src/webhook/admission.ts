// The admission decision for one metallb.io write (pure): a change is refused when it adds a
// cross-object problem that was not there before. Comparing before and after, rather than asking
// "is the whole config clean", means a namespace that already holds a bad object (written before
// the webhook existed, or while it was down) does not block every unrelated edit, while the bad
// object itself can still be fixed.
import type { Obj } from '../api/object.js';
import { configProblems, peersUsingProfile } from './config-problems.js';
import { validateObject } from '../api/validate.js';
import type { Problem } from '../api/schema.js';

const problemText = (p: Problem): string => `${p.path}: ${p.message}`;

/** The parts of admission.k8s.io/v1 AdmissionRequest the decision reads. */
export interface AdmissionRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  name?: string;
  namespace?: string;
  object?: Obj | null;
  oldObject?: Obj | null;
}

export interface Decision {
  allowed: boolean;
  /** Why it is refused: kubectl prints it after `admission webhook "..." denied the request: `. */
  message?: string;
}

/**
 * A creation has no creationTimestamp yet, but it is the newest object: where two peers clash,
 * the planner keeps the older one, so the message must name the newcomer as the one refused.
 */
const NEWEST = '9999-12-31T23:59:59Z';

const sameObject = (a: Obj, kind: string, name: string): boolean => a.kind === kind && a.metadata?.name === name;

function candidateOf(req: AdmissionRequest): Obj | undefined {
  const obj = req.object ?? undefined;
  if (!obj) return undefined;
  const metadata: NonNullable<Obj['metadata']> = { ...obj.metadata, name: obj.metadata?.name || req.name || '' };
  if (!metadata['creationTimestamp']) metadata['creationTimestamp'] = NEWEST;
  return { ...obj, kind: req.kind.kind, metadata };
}

/**
 * `stored`: the namespace's metallb.io objects as they are now (the old version of the object
 * under review included) and the cluster's Nodes.
 */
export function decide(req: AdmissionRequest, stored: readonly Obj[]): Decision {
  const kind = req.kind.kind;
  const name = req.name ?? req.oldObject?.metadata?.name ?? req.object?.metadata?.name ?? '';
  if (req.operation === 'DELETE') {
    if (kind !== 'BFDProfile') return { allowed: true };
    const users = peersUsingProfile(stored, name);
    if (users.length === 0) return { allowed: true };
    return { allowed: false, message: `BFDProfile ${name} is used by BGPPeer ${users.join(', ')}: remove spec.bfdProfile from ${users.length > 1 ? 'them' : 'it'} first (deleting it would take BFD away from live sessions)` };
  }
  if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return { allowed: true };
  const candidate = candidateOf(req);
  if (!candidate) return { allowed: true };
  // An object on its way out (finalizers being removed) is not a configuration change.
  if (candidate.metadata?.['deletionTimestamp']) return { allowed: true };
  // The object's own rules the CRD cannot carry on every supported Kubernetes (CEL's IP library is
  // 1.31+, src/api/schema.ts); the rest of the schema passes here, the apiserver checked it first.
  // As below, only what the change adds: an object stored before the webhook can still be labelled.
  const old = req.oldObject ? new Set(validateObject({ ...req.oldObject, kind }).problems.map(problemText)) : new Set<string>();
  const invalid = validateObject(candidate).problems.map(problemText).filter((p) => !old.has(p));
  if (invalid.length > 0) return { allowed: false, message: invalid.join('; ') };
  const after = [...stored.filter((o) => !sameObject(o, kind, name)), candidate];
  const before = new Set(configProblems(stored).map((p) => p.message));
  const added = configProblems(after).filter((p) => !before.has(p.message));
  if (added.length === 0) return { allowed: true };
  return { allowed: false, message: [...new Set(added.map((p) => p.message))].join('; ') };
}
