import type { EventRecord } from './event-record.ts';

/** What one invocation came back with. */
export type InvocationOutcome =
  | { kind: 'ok' }
  /** batchItemFailures named this record (the lowest one named). */
  | { kind: 'partial'; failedSequenceNumber: string }
  | { kind: 'error'; error: Error };

/** A batch waiting to be invoked, with the retries it has used. */
export type Attempt = { records: EventRecord[]; retries: number };

export type Decision = {
  /** Finished: the checkpoint may pass them. */
  done: EventRecord[];
  /** To invoke next, in this order (records keep their shard order). */
  retry: Attempt[];
  /** Out of retries: described to the on-failure destination, then skipped. */
  exhausted: EventRecord[];
};

type Policy = { bisectBatchOnError: boolean; retryAttempts: number };

/**
 * Lambda's rules for a stream batch after an invocation:
 * - a partial response finishes the records before the named one and retries the rest (with
 *   bisect on, that is the split: "bisected at the returned sequence number");
 * - an error with bisect on splits the batch in two halves, which does not use the retry quota;
 * - any other failure uses one retry; past `retryAttempts` (-1: never) the records are exhausted.
 * A `batchItemFailures` entry that names no record of the batch fails the whole batch.
 */
export function afterInvocation(
  attempt: Attempt,
  outcome: InvocationOutcome,
  policy: Policy,
): Decision {
  const { records } = attempt;
  if (outcome.kind === 'ok') return { done: records, retry: [], exhausted: [] };
  let done: EventRecord[] = [];
  let rest = records;
  if (outcome.kind === 'partial') {
    const at = records.findIndex(
      (r) => r.lambda.kinesis.sequenceNumber === outcome.failedSequenceNumber,
    );
    if (at > 0) {
      done = records.slice(0, at);
      rest = records.slice(at);
    }
  } else if (policy.bisectBatchOnError && records.length > 1) {
    const half = Math.ceil(records.length / 2);
    return {
      done,
      retry: [
        { records: records.slice(0, half), retries: attempt.retries },
        { records: records.slice(half), retries: attempt.retries },
      ],
      exhausted: [],
    };
  }
  const retries = attempt.retries + 1;
  if (policy.retryAttempts >= 0 && retries > policy.retryAttempts) {
    return { done, retry: [], exhausted: rest };
  }
  return { done, retry: [{ records: rest, retries }], exhausted: [] };
}

/** Records older than the maximum record age (-1: none), which Lambda discards unprocessed. */
export function splitExpired(
  records: readonly EventRecord[],
  now: number,
  maxRecordAgeSeconds: number,
): { fresh: EventRecord[]; expired: EventRecord[] } {
  if (maxRecordAgeSeconds < 0) return { fresh: [...records], expired: [] };
  const oldest = now - maxRecordAgeSeconds * 1000;
  const fresh: EventRecord[] = [];
  const expired: EventRecord[] = [];
  for (const r of records) (r.arrivedAt < oldest ? expired : fresh).push(r);
  return { fresh, expired };
}

/**
 * The invocation outcome of a handler's answer. Without ReportBatchItemFailures Lambda ignores
 * the response body, so the batch succeeded; with it, the lowest named record is where the
 * retry starts (an empty or unknown identifier fails the whole batch).
 */
export function outcomeOf(
  response: unknown,
  records: readonly EventRecord[],
  reportBatchItemFailures: boolean,
): InvocationOutcome {
  if (!reportBatchItemFailures) return { kind: 'ok' };
  const failures = (response as { batchItemFailures?: unknown } | null | undefined)
    ?.batchItemFailures;
  if (!Array.isArray(failures) || failures.length === 0) return { kind: 'ok' };
  let lowest: bigint | undefined;
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const known =
      typeof id === 'string' && records.some((r) => r.lambda.kinesis.sequenceNumber === id);
    if (!known) {
      return {
        kind: 'error',
        error: new Error(`batchItemFailures names '${String(id)}', which is not in the batch`),
      };
    }
    const s = BigInt(id);
    if (lowest === undefined || s < lowest) lowest = s;
  }
  return { kind: 'partial', failedSequenceNumber: String(lowest) };
}
