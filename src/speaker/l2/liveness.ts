// Which speakers are alive, from their Leases (pure). Each speaker renews a Lease of its own; a
// peer is alive while its last renewal, timed by OUR clock when we saw it, is younger than its
// lease duration. Timing renewals on arrival rather than trusting renewTime makes clock skew
// between nodes harmless (client-go's leader election does the same).

export interface LeaseSighting {
  node: string;
  durationMs: number;
  /** Our clock when we last saw its renewTime change (ms). */
  seenAt: number;
}

export interface Liveness {
  live: Set<string>;
  /** When the next live speaker expires unless renewed (ms, our clock); undefined when none. */
  nextExpiry?: number;
}

export function liveSpeakers(sightings: readonly LeaseSighting[], now: number): Liveness {
  const live = new Set<string>();
  let next: number | undefined;
  for (const s of sightings) {
    const until = s.seenAt + s.durationMs;
    if (until <= now) continue;
    live.add(s.node);
    next = next === undefined ? until : Math.min(next, until);
  }
  return next === undefined ? { live } : { live, nextExpiry: next };
}

/**
 * When first seeing a lease (at start, or after a relist), its renewTime is all we know: one
 * already older than its duration by our clock is expired from the start, so a crashed speaker's
 * leftover Lease does not make it look alive for another full duration.
 */
export function firstSighting(renewTimeMs: number | undefined, durationMs: number, now: number): number {
  if (renewTimeMs === undefined || Number.isNaN(renewTimeMs)) return now - durationMs;
  return Math.min(now, renewTimeMs);
}

/**
 * Whether we may count ourselves alive: only while our own last confirmed renewal (timed when the
 * request was sent) is younger than the duration minus one renew interval. The others give up on
 * us no earlier than a full duration after that renewal, so we stop answering before anyone else
 * starts: two nodes never answer for one IP because one of them lost the API.
 */
export function selfAlive(lastConfirmedSendMs: number | undefined, durationMs: number, renewMs: number, now: number): boolean {
  return lastConfirmedSendMs !== undefined && now - lastConfirmedSendMs < durationMs - renewMs;
}

/**
 * The time up to which the Lease watch is known to be current: our own renewals come back on it
 * every renewMs, and a watch delivers events in order, so when our renewal sent at E has come
 * back, every peer renewal before E has too. Past the next echo's due time (plus `slackMs` of
 * delivery latency) we no longer know: peers are judged as of then, not as of now. A watch that
 * stalls while our own renewals succeed therefore freezes the live set instead of making every
 * peer look dead, which would have this node claim every IP (a split brain).
 */
export function watchCurrentUntil(lastEchoAt: number | undefined, renewMs: number, slackMs: number, now: number): number {
  if (lastEchoAt === undefined) return now;
  return Math.min(now, lastEchoAt + renewMs + slackMs);
}
