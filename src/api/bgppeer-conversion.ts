// BGPPeer v1beta1 <-> v1beta2 (pure), for the conversion webhook (docs/adr/0017). The two versions
// share every field v1beta1 has, with the same shape; v1beta2 adds fields (interface, dynamicASN,
// passwordSecret, connectTime, ...). Read through v1beta1, those fields travel in one annotation,
// so that a v1beta1 client that writes the whole object back (`kubectl replace`, `kubectl edit`,
// a controller doing GET+PUT) gives them back and nothing is lost; converted back to v1beta2 the
// annotation is dissolved into the spec again. The status is the same in both versions.
import type { Obj } from './object.js';
import { V1BETA1_FIELDS } from './bgppeer.js';
import { GROUP } from './kind.js';

/** Holds, as JSON, the spec fields of a v1beta2 BGPPeer that v1beta1 has no place for. */
export const V1BETA2_FIELDS_ANNOTATION = 'metallb.io/v1beta2-fields';

export const BGPPEER_VERSIONS = [`${GROUP}/v1beta1`, `${GROUP}/v1beta2`] as const;

const V1BETA1 = new Set<string>(V1BETA1_FIELDS);

type Spec = Record<string, unknown>;

const annotationsOf = (obj: Obj): Record<string, string> => ({ ...((obj.metadata?.['annotations']) ?? {}) });

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function withAnnotations(obj: Obj, annotations: Record<string, string>): Obj['metadata'] {
  const rest = { ...obj.metadata };
  delete rest['annotations'];
  return Object.keys(annotations).length > 0 ? { ...rest, annotations } : rest;
}

/** v1beta2 → v1beta1: the v1beta1 fields stay in spec, the others move into the annotation. */
function toV1beta1(obj: Obj): Obj {
  const spec: Spec = isRecord(obj['spec']) ? obj['spec'] : {};
  const kept: Spec = {};
  const moved: Spec = {};
  for (const [k, v] of Object.entries(spec)) (V1BETA1.has(k) ? kept : moved)[k] = v;
  const annotations = annotationsOf(obj);
  delete annotations[V1BETA2_FIELDS_ANNOTATION];
  if (Object.keys(moved).length > 0) {
    const sorted = Object.fromEntries(Object.keys(moved).sort().map((k) => [k, moved[k]]));
    annotations[V1BETA2_FIELDS_ANNOTATION] = JSON.stringify(sorted);
  }
  return { ...obj, apiVersion: BGPPEER_VERSIONS[0], metadata: withAnnotations(obj, annotations), spec: kept };
}

/**
 * v1beta1 → v1beta2: the spec as written, plus the v1beta2 fields the annotation carries (only
 * names v1beta1 does not have: what the v1beta1 writer set wins). An annotation that is not a
 * JSON object (edited by hand) is left where it is, for the user to see, rather than guessed at.
 */
function toV1beta2(obj: Obj): Obj {
  const spec: Spec = isRecord(obj['spec']) ? { ...obj['spec'] } : {};
  const annotations = annotationsOf(obj);
  const carried = annotations[V1BETA2_FIELDS_ANNOTATION];
  if (carried !== undefined) {
    let fields: unknown;
    try {
      fields = JSON.parse(carried);
    } catch {
      fields = undefined;
    }
    if (isRecord(fields)) {
      for (const [k, v] of Object.entries(fields)) if (!V1BETA1.has(k) && !(k in spec)) spec[k] = v;
      delete annotations[V1BETA2_FIELDS_ANNOTATION];
    }
  }
  return { ...obj, apiVersion: BGPPEER_VERSIONS[1], metadata: withAnnotations(obj, annotations), spec };
}

/** The object in `desiredAPIVersion`; throws for a version BGPPeer does not serve. */
export function convertBGPPeer(obj: Obj, desiredAPIVersion: string): Obj {
  if (!(BGPPEER_VERSIONS as readonly string[]).includes(desiredAPIVersion)) throw new Error(`BGPPeer has no version ${desiredAPIVersion} (served: ${BGPPEER_VERSIONS.join(', ')})`);
  if (!(BGPPEER_VERSIONS as readonly string[]).includes(obj.apiVersion ?? '')) throw new Error(`cannot convert a BGPPeer from ${obj.apiVersion ?? '(no apiVersion)'}`);
  if (obj.apiVersion === desiredAPIVersion) return obj;
  return desiredAPIVersion === BGPPEER_VERSIONS[0] ? toV1beta1(obj) : toV1beta2(obj);
}
