import { setTimeout as sleep } from 'node:timers/promises';
import type { EventRecord } from './event-record.ts';
import { type Attempt, afterInvocation, splitExpired } from './failure-policy.ts';
import { type InvocableFunction, invoke } from './invoke.ts';
import { type FailureCondition, type FailureDestination, failureRecord } from './on-failure.ts';
import type { EventSourceSettings } from './settings.ts';
import { type MappingStats, shardStats } from './stats.ts';

export type DeliveryContext = {
  fn: InvocableFunction;
  functionName: string;
  shardId: string;
  settings: EventSourceSettings;
  onFailure: FailureDestination | undefined;
  stats: MappingStats;
  log: (line: string) => void;
  signal: AbortSignal;
  /** Records that need no more work: the checkpoint may pass them. */
  finished: (records: readonly EventRecord[]) => void;
  /** Told of every invocation, as Lambda's own metrics (Invocations, Errors, Duration) count it. */
  onInvoked?: ((report: InvocationReport) => void) | undefined;
};

/** One invocation of the function with a batch, as Lambda's metrics see it. */
export type InvocationReport = {
  shardId: string;
  records: number;
  durationMs: number;
  /** The invocation failed (Lambda's Errors); a partial batch response is not a failure. */
  failed: boolean;
  /** The shard's iterator age at its last GetRecords (MillisBehindLatest). */
  behindMs: number;
};

const MAX_RETRY_DELAY_MS = 10_000;

/**
 * Invokes the function with one batch until every record is processed or discarded, by Lambda's
 * rules: maximum record age, partial batch responses, bisect on error, retry quota, and the
 * on-failure destination. Records stay in shard order. Stops early (leaving the rest unfinished,
 * to be read again on restart) when the runtime stops.
 */
export async function deliverBatch(batch: EventRecord[], ctx: DeliveryContext): Promise<void> {
  const { settings, stats } = ctx;
  const queue: Attempt[] = [{ records: batch, retries: 0 }];
  let invokeCount = 0;
  for (let attempt = queue.shift(); attempt; attempt = queue.shift()) {
    if (ctx.signal.aborted) return;
    const { fresh, expired } = splitExpired(
      attempt.records,
      Date.now(),
      settings.maxRecordAgeSeconds,
    );
    if (expired.length > 0) {
      stats.expired += expired.length;
      await discard(expired, 'RecordAgeExceeded', invokeCount, undefined, ctx);
    }
    if (fresh.length === 0) continue;
    invokeCount += 1;
    stats.invocations += 1;
    const startedAt = performance.now();
    const outcome = await invoke(ctx.fn, fresh, {
      functionName: ctx.functionName,
      region: fresh[0]?.lambda.awsRegion ?? 'us-east-1',
      timeoutSeconds: settings.timeoutSeconds,
      reportBatchItemFailures: settings.reportBatchItemFailures,
    });
    const decision = afterInvocation(
      { records: fresh, retries: attempt.retries },
      outcome,
      settings,
    );
    const shard = shardStats(stats, ctx.shardId);
    ctx.onInvoked?.({
      shardId: ctx.shardId,
      records: fresh.length,
      durationMs: performance.now() - startedAt,
      failed: outcome.kind === 'error',
      behindMs: shard.behindMs,
    });
    if (decision.done.length > 0) {
      stats.records += decision.done.length;
      shard.records += decision.done.length;
      ctx.finished(decision.done);
    }
    const why =
      outcome.kind === 'error'
        ? outcome.error.message
        : outcome.kind === 'partial'
          ? `batch item failure at ${outcome.failedSequenceNumber}`
          : undefined;
    if (decision.exhausted.length > 0) {
      await discard(decision.exhausted, 'RetryAttemptsExhausted', invokeCount, why, ctx);
    }
    if (decision.retry.length === 0) continue;
    const split = decision.retry.length > 1;
    if (split) stats.bisections += 1;
    else stats.retries += 1;
    ctx.log(
      `${ctx.shardId}: ${split ? 'split' : 'retrying'} ${describe(decision.retry)} after: ${why}`,
    );
    queue.unshift(...decision.retry);
    const retries = decision.retry[0]?.retries ?? 0;
    if (!split && settings.retryDelayMs > 0) {
      await sleep(
        Math.min(MAX_RETRY_DELAY_MS, settings.retryDelayMs * 2 ** Math.min(retries - 1, 6)),
      );
    }
  }
}

function describe(attempts: readonly Attempt[]): string {
  return attempts.map((a) => `${a.records.length} record(s)`).join(' + ');
}

async function discard(
  records: EventRecord[],
  condition: FailureCondition,
  invokeCount: number,
  errorMessage: string | undefined,
  ctx: DeliveryContext,
): Promise<void> {
  ctx.stats.discarded += records.length;
  const description = failureRecord(records, {
    functionName: ctx.functionName,
    shardId: ctx.shardId,
    condition,
    invokeCount,
    ...(errorMessage !== undefined ? { errorMessage } : {}),
  });
  const info = description.KinesisBatchInfo;
  ctx.log(
    `${ctx.shardId}: discarding ${records.length} record(s) ${info.startSequenceNumber}..${info.endSequenceNumber} (${condition})` +
      (ctx.onFailure ? '; described to the on-failure destination' : '; no on-failure destination'),
  );
  await ctx.onFailure?.send(description);
  ctx.finished(records);
}
