/** Exponential backoff: the wait before retry n may be up to base·2^(n-1) ms, never above cap. */
export type Backoff = { baseMs: number; capMs: number };

export const DEFAULT_BACKOFF: Backoff = { baseMs: 100, capMs: 5_000 };

/**
 * "Full jitter": a uniformly random wait from 0 to the exponential bound, so senders throttled
 * together do not all come back at the same moment.
 */
export function backoffDelay(
  attempt: number,
  backoff: Backoff = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const bound = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * bound);
}
