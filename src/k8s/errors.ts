// HTTP results from the Kubernetes client (http.ts) turned into typed errors the callers branch on.
import { MetalLBError } from '../util/errors.js';

export class KubeError extends MetalLBError {
  constructor(
    message: string,
    readonly statusCode: number | undefined,
    readonly reason: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  get notFound(): boolean {
    return this.statusCode === 404;
  }
  get conflict(): boolean {
    return this.statusCode === 409;
  }
  get gone(): boolean {
    return this.statusCode === 410;
  }
}

interface HttpErrorLike {
  statusCode?: number;
  reason?: string;
  body?: { message?: string; reason?: string } | string;
  message?: string;
}

/**
 * Wraps what a request threw (an HttpError with the apiserver's Status as its body, a connection
 * error, or a KubeError from an inner step) into a KubeError that keeps the status and reason.
 */
export function toKubeError(what: string, err: unknown): KubeError {
  const e = (err ?? {}) as HttpErrorLike;
  const status = e.statusCode;
  const body = typeof e.body === 'object' && e.body !== null ? e.body : undefined;
  const detail = body?.message ?? (typeof e.body === 'string' ? e.body : undefined) ?? e.message ?? String(err);
  return new KubeError(`${what}: ${detail}`, status, body?.reason ?? e.reason, { cause: err });
}
