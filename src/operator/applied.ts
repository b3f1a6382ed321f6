// What the operator last applied, per object, so an unchanged CR causes zero writes and a manual
// edit of an owned object is noticed (pure bookkeeping, no I/O).
import { createHash } from 'node:crypto';
import type { Obj } from '../k8s/client.js';

export const HASH_ANNOTATION = 'metallb.io/render-hash';

export interface AppliedRecord {
  hash: string;
  resourceVersion: string;
  generation?: number;
}

/** Kinds whose spec edits bump metadata.generation; for the rest every write bumps resourceVersion. */
const GENERATION_KINDS = new Set(['Deployment', 'DaemonSet']);

export function renderHash(obj: Obj): string {
  return createHash('sha256').update(JSON.stringify(obj)).digest('hex').slice(0, 16);
}

/** The desired object carrying its own hash, so a restarted operator can trust what it finds. */
export function withHash(obj: Obj): { obj: Obj; hash: string } {
  const hash = renderHash(obj);
  const metadata = { ...(obj.metadata ?? {}), annotations: { ...(obj.metadata?.annotations ?? {}), [HASH_ANNOTATION]: hash } };
  return { obj: { ...obj, metadata }, hash };
}

const rvNumber = (rv: string | undefined): number => (rv && /^\d+$/.test(rv) ? Number(rv) : NaN);

/**
 * Whether `desired` must be (re)applied given the live object and our record. A live object that
 * is older than our own write (a cache that has not caught up) is not drift.
 */
export function needsApply(kind: string, hash: string, live: Obj | undefined, record: AppliedRecord | undefined): boolean {
  if (!live) return true;
  if (!record) return live.metadata?.annotations?.[HASH_ANNOTATION] !== hash;
  if (record.hash !== hash) return true;
  if (GENERATION_KINDS.has(kind)) {
    const gen = live.metadata?.generation;
    return gen !== undefined && record.generation !== undefined && gen > record.generation;
  }
  const liveRV = rvNumber(live.metadata?.resourceVersion);
  const ourRV = rvNumber(record.resourceVersion);
  if (Number.isNaN(liveRV) || Number.isNaN(ourRV)) return live.metadata?.resourceVersion !== record.resourceVersion;
  return liveRV > ourRV;
}

export function recordOf(hash: string, applied: Obj): AppliedRecord {
  const rec: AppliedRecord = { hash, resourceVersion: applied.metadata?.resourceVersion ?? '' };
  if (applied.metadata?.generation !== undefined) rec.generation = applied.metadata.generation;
  return rec;
}
