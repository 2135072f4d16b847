import { randomUUID } from 'node:crypto';
import type { Pipeline } from '../pipeline/spec.ts';
import type { WriteHold } from '../store/write-holds.ts';
import { advanceShardWatermarks } from './advance-watermarks.ts';
import { applyRows } from './apply-rows.ts';
import { type CloserRun, closeDueWindows } from './closer.ts';
import { type DecodedEvent, decodeEvent } from './decode-event.ts';
import type { InputRecord, RejectedRecord } from './input-record.ts';
import { type LateEvent, planBatch, type RowPlan } from './plan-batch.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';
import { pipelineWatermark, shardsSeenUpTo } from './watermark.ts';
import { lowestCloseOf } from './write-hold.ts';

/** What one batch did: the figures the handler logs and reports as metrics. */
export type BatchResult = {
  records: number;
  deadLettered: number;
  late: number;
  rows: number;
  /** Conditional writes made (one per distinct row, plus retries after a lost compare-and-set). */
  conditionalWrites: number;
  casRetries: number;
  rowsFailed: number;
  /** The lowest record whose row was not applied: where Lambda must resume. */
  failedAt?: InputRecord;
  /** Why rows failed (the first few distinct errors), for the log. */
  rowErrors?: string[];
  watermark: number;
  closer?: CloserRun;
  closerError?: unknown;
};

function lowestRecord(plans: readonly RowPlan[]): InputRecord | undefined {
  let lowest: DecodedEvent | undefined;
  for (const plan of plans) {
    for (const event of plan.events) {
      if (!lowest || event.record.sequenceNumber < lowest.record.sequenceNumber) lowest = event;
    }
  }
  return lowest?.record;
}

/**
 * Folds one Kinesis batch into the pipeline's state, exactly once (see DESIGN: state in
 * Cassandra, and README: the write hold). Bad records go to the dead-letter table and late ones
 * to the late-events table before anything else is decided. The batch holds the closer back
 * from its windows while it writes, indexes them, updates its rows in parallel up to
 * `settings.concurrency`, and only when every row applied moves the shard's watermark, lets go
 * of the hold and closes due windows.
 */
export async function processBatch(
  pipeline: Pipeline,
  records: readonly InputRecord[],
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<BatchResult> {
  const now = settings.now();
  const events: DecodedEvent[] = [];
  const rejected: RejectedRecord[] = [];
  for (const record of records) {
    const decoded = decodeEvent(pipeline, record, now);
    if (decoded.ok) events.push(decoded.event);
    else rejected.push(decoded.rejected);
  }
  await ports.sideOutputs.deadLetters(pipeline.name, rejected);

  const { shards, watermark, cursor, closedUpTo, plan, hold } = await planUnderHold(
    pipeline,
    records,
    events,
    ports,
    settings,
  );
  const outcomes = await applyRows(
    pipeline,
    plan,
    closedUpTo,
    shardsSeenUpTo(shards, records),
    ports,
    settings,
  );
  const late: LateEvent[] = [...plan.late, ...outcomes.flatMap((o) => o.late)];
  await ports.sideOutputs.lateEvents(
    late.map(({ event, window }) => ({
      record: event.record,
      key: event.key,
      eventTime: event.time,
      window,
      watermark: closedUpTo,
    })),
  );

  const failed = outcomes.filter((o) => !o.applied);
  const result: BatchResult = {
    records: records.length,
    deadLettered: rejected.length,
    late: late.length,
    rows: plan.rows.length,
    conditionalWrites: outcomes.reduce((n, o) => n + (o.wrote ? 1 + o.casRetries : 0), 0),
    casRetries: outcomes.reduce((n, o) => n + o.casRetries, 0),
    rowsFailed: failed.length,
    watermark,
  };
  const failedAt = lowestRecord(failed.map((o) => o.plan));
  if (failedAt) {
    // A write that errored may still land: then the hold stays until it expires.
    if (hold && failed.every((o) => !o.error)) await ports.holds.release(hold.id);
    const rowErrors = [
      ...new Set(failed.map((o) => (o.error ? String(o.error) : 'compare-and-set lost too often'))),
    ].slice(0, 5);
    return { ...result, failedAt, rowErrors };
  }

  await advanceShardWatermarks(pipeline, records, events, ports, settings, shards);
  const [, afterShards] = await Promise.all([
    hold ? ports.holds.release(hold.id) : undefined,
    ports.watermarks.readShards(),
  ]);
  const after = pipelineWatermark(afterShards, settings.now(), pipeline.lateness.idleTimeoutMs);
  try {
    const closer = await closeDueWindows(pipeline, after, ports, settings, cursor);
    return { ...result, watermark: after, closer };
  } catch (error) {
    // The rows are in; the cursor did not move past what failed, so the next batch redoes it.
    return { ...result, watermark: after, closerError: error };
  }
}

/**
 * Reads the watermarks and the closer's cursor and plans the batch; if it has rows to write,
 * places its write hold and then reads the cursor again: events of windows a closer claimed
 * meanwhile are late too (the plan is made again).
 */
async function planUnderHold(
  pipeline: Pipeline,
  records: readonly InputRecord[],
  events: readonly DecodedEvent[],
  ports: EnginePorts,
  settings: EngineSettings,
) {
  const now = settings.now();
  let [shards, cursor] = await Promise.all([
    ports.watermarks.readShards(),
    ports.watermarks.readCursor(),
  ]);
  const watermark = pipelineWatermark(shards, now, pipeline.lateness.idleTimeoutMs);
  // Windows the closer has claimed are closing: their events are late, whatever the watermark.
  let closedUpTo = Math.max(watermark, cursor?.claimed ?? Number.NEGATIVE_INFINITY);
  let plan = planBatch(pipeline, events, closedUpTo);
  let hold: WriteHold | undefined;
  if (plan.rows.length > 0) {
    hold = {
      id: `${records[0]?.shardId ?? 'batch'}/${randomUUID()}`,
      lowestCloseAt: lowestCloseOf(pipeline, plan.rows),
      expiresAt: now + settings.holdMs,
    };
    await ports.holds.place(hold);
    // Read after the hold is in place: a claim this misses cannot pass the hold.
    cursor = await ports.watermarks.readCursor();
    const claimed = cursor?.claimed ?? Number.NEGATIVE_INFINITY;
    if (claimed > closedUpTo) {
      closedUpTo = claimed;
      plan = planBatch(pipeline, events, closedUpTo);
    }
  }
  return { shards, watermark, cursor, closedUpTo, plan, hold };
}
