import { setTimeout as sleep } from 'node:timers/promises';

export type RetrySettings = { maxAttempts: number; baseBackoffMs: number; maxBackoffMs: number };

export const DEFAULT_RETRY: RetrySettings = { maxAttempts: 8, baseBackoffMs: 5, maxBackoffMs: 400 };

/** One try of a read-modify-write: done (with a value), or lost the compare-and-set. */
export type Attempt<T> = { done: true; value: T } | { done: false };

export type CasOutcome<T> =
  | { applied: true; value: T; retries: number }
  | { applied: false; retries: number; error?: unknown };

/**
 * Runs a read-modify-write until its conditional write applies, backing off with full jitter
 * between tries and giving up after `maxAttempts`. A thrown error (a timeout on a conditional
 * write leaves its outcome unknown) counts as a lost try: the next read shows what happened.
 */
export async function withCompareAndSet<T>(
  attempt: () => Promise<Attempt<T>>,
  settings: RetrySettings = DEFAULT_RETRY,
): Promise<CasOutcome<T>> {
  let lastError: unknown;
  for (let i = 0; i < settings.maxAttempts; i++) {
    if (i > 0) {
      const cap = Math.min(settings.maxBackoffMs, settings.baseBackoffMs * 2 ** (i - 1));
      if (cap > 0) await sleep(Math.random() * cap);
    }
    try {
      const result = await attempt();
      if (result.done) return { applied: true, value: result.value, retries: i };
    } catch (error) {
      lastError = error;
    }
  }
  return lastError === undefined
    ? { applied: false, retries: settings.maxAttempts - 1 }
    : { applied: false, retries: settings.maxAttempts - 1, error: lastError };
}
