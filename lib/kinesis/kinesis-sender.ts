import { setTimeout as sleep } from 'node:timers/promises';
import type { PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import { type Backoff, backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
import { BatchBuilder } from './batch-builder.ts';
import type { OutgoingRecord } from './outgoing-record.ts';
import type { PutRecordsCall } from './put-records-call.ts';
import { isRetryableRecordCode, isRetryableRequestError } from './retryable.ts';
import { Slots } from './slots.ts';

/** What a sender has done so far. */
export type SendCounts = {
  /** Records Kinesis accepted. */
  sent: number;
  /** Records sent again after a failed attempt (one count per extra attempt). */
  retried: number;
  /** Records given up on: out of attempts, or refused for good. */
  failed: number;
  /** PutRecords calls made. */
  calls: number;
  /** Calls refused as a whole (throttled, unavailable) and made again. */
  rejectedCalls: number;
};

export type SenderOptions<R extends OutgoingRecord> = {
  put: PutRecordsCall;
  /** PutRecords calls in flight at once; default 4. */
  concurrency?: number;
  /** Attempts per record before it counts as failed; default 10. */
  maxAttempts?: number;
  backoff?: Backoff;
  /** How long a part-filled batch may wait for more records; default 100 ms. */
  lingerMs?: number;
  onSent?: (record: R, result: PutRecordsResultEntry) => void;
  onFailed?: (record: R, reason: string) => void;
  random?: () => number;
  sleep?: (ms: number) => Promise<unknown>;
};

/**
 * Sends records with PutRecords: packed into requests of at most 500 records and 5 MiB, a few
 * requests in flight, and only the failed entries of a request sent again, with exponential
 * backoff and full jitter. A request refused as a whole (throttling) is sent again the same way.
 * Any other error stops the sender; `add` and `flush` then throw it.
 */
export class KinesisSender<R extends OutgoingRecord = OutgoingRecord> {
  readonly counts: SendCounts = { sent: 0, retried: 0, failed: 0, calls: 0, rejectedCalls: 0 };
  readonly #options: SenderOptions<R>;
  readonly #maxAttempts: number;
  readonly #slots: Slots;
  readonly #batch = new BatchBuilder<R>();
  readonly #inFlight = new Set<Promise<void>>();
  #linger: NodeJS.Timeout | undefined;
  #fatal: { error: unknown } | undefined;

  constructor(options: SenderOptions<R>) {
    this.#options = options;
    this.#maxAttempts = options.maxAttempts ?? 10;
    this.#slots = new Slots(options.concurrency ?? 4);
  }

  /** Queues a record; waits while the in-flight limit holds back a full batch (backpressure). */
  async add(record: R): Promise<void> {
    this.#throwIfStopped();
    const full = this.#batch.add(record);
    if (full) {
      this.#stopLinger();
      await this.#slots.acquire();
      this.#start(full);
    }
    if (this.#batch.size > 0 && !this.#linger) this.#startLinger();
  }

  /** Sends what is queued, waits for every request, and resolves the final counts. */
  async flush(): Promise<SendCounts> {
    this.#stopLinger();
    const rest = this.#batch.take();
    if (rest.length > 0) {
      await this.#slots.acquire();
      this.#start(rest);
    }
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
    this.#throwIfStopped();
    return { ...this.counts };
  }

  /** Sends a batch in a slot already held, and frees the slot when done. */
  #start(batch: R[]): void {
    const task: Promise<void> = this.#sendBatch(batch)
      .catch((error: unknown) => {
        this.#fatal ??= { error };
      })
      .finally(() => {
        this.#slots.release();
        this.#inFlight.delete(task);
      });
    this.#inFlight.add(task);
  }

  async #sendBatch(batch: R[]): Promise<void> {
    const random = this.#options.random ?? Math.random;
    let pending = batch;
    for (let attempt = 1; ; attempt++) {
      const retry = await this.#attempt(pending);
      if (retry.length === 0) return;
      if (attempt >= this.#maxAttempts) {
        this.counts.failed += retry.length;
        for (const { record, reason } of retry) {
          this.#options.onFailed?.(record, `${reason} (${attempt} attempts)`);
        }
        return;
      }
      this.counts.retried += retry.length;
      await (this.#options.sleep ?? sleep)(
        backoffDelay(attempt, this.#options.backoff ?? DEFAULT_BACKOFF, random),
      );
      pending = retry.map((r) => r.record);
    }
  }

  /** One PutRecords call; returns the records worth another attempt, each with why it failed. */
  async #attempt(records: R[]): Promise<{ record: R; reason: string }[]> {
    this.counts.calls += 1;
    let results: PutRecordsResultEntry[];
    try {
      results = await this.#options.put(records);
    } catch (error) {
      if (!isRetryableRequestError(error)) throw error;
      this.counts.rejectedCalls += 1;
      const reason = describe(error);
      return records.map((record) => ({ record, reason }));
    }
    const retry: { record: R; reason: string }[] = [];
    records.forEach((record, i) => {
      const result = results[i];
      if (result?.SequenceNumber && !result.ErrorCode) {
        this.counts.sent += 1;
        this.#options.onSent?.(record, result);
      } else if (!result || isRetryableRecordCode(result.ErrorCode)) {
        const reason = result ? `${result.ErrorCode}: ${result.ErrorMessage}` : 'no result entry';
        retry.push({ record, reason });
      } else {
        this.counts.failed += 1;
        this.#options.onFailed?.(record, `${result.ErrorCode}: ${result.ErrorMessage}`);
      }
    });
    return retry;
  }

  /** A part-filled batch goes out after lingerMs, if a slot is free; else it keeps filling. */
  #startLinger(): void {
    this.#linger = setTimeout(() => {
      this.#linger = undefined;
      if (this.#batch.size === 0 || this.#fatal) return;
      if (this.#slots.tryAcquire()) this.#start(this.#batch.take());
      else this.#startLinger();
    }, this.#options.lingerMs ?? 100);
    // A queued record alone must not keep the process alive once its producer is gone.
    this.#linger.unref();
  }

  #stopLinger(): void {
    clearTimeout(this.#linger);
    this.#linger = undefined;
  }

  #throwIfStopped(): void {
    if (this.#fatal) throw this.#fatal.error;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
