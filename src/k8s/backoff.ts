// Retry delays for every client retry path: exponential, capped, and jittered so that the replicas
// and the speakers of every node, all cut off by one apiserver restart, do not come back in step
// (what client-go's wait.Jitter is for).

/**
 * The delay before retry number `attempt` (1 = the first): base·2^(attempt-1), capped, then
 * stretched by a random 0-50 %, so it stays within [d, 1.5·d).
 */
export function retryDelayMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const d = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), capMs);
  return Math.floor(d * (1 + random() / 2));
}
