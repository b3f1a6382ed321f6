// Who may read /metrics, decided by the apiserver as kube-rbac-proxy does: the bearer token is
// checked with a TokenReview, and the user it names must be allowed `get` on the non-resource URL
// /metrics by a SubjectAccessReview (RBAC: `nonResourceURLs: ["/metrics"], verbs: ["get"]`, which
// OpenShift's prometheus-k8s and cluster-monitoring-view hold). Answers are cached briefly per
// token (hashed: a token is never kept or logged as such) so a 30 s scrape interval costs two
// reviews a minute at most; an apiserver outage keeps cached answers and refuses new tokens.
import { createHash } from 'node:crypto';
import type { Kube } from '../k8s/client.js';
import { errorMessage } from '../util/errors.js';

export type Verdict = { ok: true; user: string } | { ok: false; code: 401 | 403 | 503; reason: string };

export type Authorizer = (authorization: string | undefined, path: string) => Promise<Verdict>;

interface TokenReviewStatus {
  authenticated?: boolean;
  error?: string;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
}

const ALLOWED_TTL_MS = 60_000;
const DENIED_TTL_MS = 10_000;
const MAX_CACHED = 1024;

export function kubeAuthorizer(kube: Kube, now: () => number = Date.now): Authorizer {
  const cache = new Map<string, { verdict: Verdict; until: number }>();
  return async (authorization, path) => {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) return { ok: false, code: 401, reason: 'a bearer token is required (Authorization: Bearer <token>)' };
    const key = `${path}\0${createHash('sha256').update(m[1]!).digest('hex')}`;
    const hit = cache.get(key);
    if (hit && hit.until > now()) return hit.verdict;
    let verdict: Verdict;
    try {
      verdict = await review(kube, m[1]!, path);
    } catch (err) {
      return { ok: false, code: 503, reason: `could not check the token with the apiserver: ${errorMessage(err)}` };
    }
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, { verdict, until: now() + (verdict.ok ? ALLOWED_TTL_MS : DENIED_TTL_MS) });
    return verdict;
  };
}

async function review(kube: Kube, token: string, path: string): Promise<Verdict> {
  const tr = (await kube.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } })) as { status?: TokenReviewStatus };
  const user = tr.status?.user;
  if (!tr.status?.authenticated || !user?.username) return { ok: false, code: 401, reason: 'the token is not valid' };
  const sar = (await kube.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user: user.username,
      ...(user.uid ? { uid: user.uid } : {}),
      groups: user.groups ?? [],
      ...(user.extra ? { extra: user.extra } : {}),
      nonResourceAttributes: { path, verb: 'get' },
    },
  })) as { status?: { allowed?: boolean } };
  if (!sar.status?.allowed) return { ok: false, code: 403, reason: `user "${user.username}" may not get ${path}` };
  return { ok: true, user: user.username };
}
