import type { Pipeline } from '../pipeline/spec.ts';
import type { InputRecord, RejectedRecord } from '../records/input-record.ts';
import { pipelineWatermark, type ShardWatermark, shardsSeenUpTo } from '../store/watermark.ts';
import { advanceShardWatermarks } from './advance-watermarks.ts';
import { applyRows } from './apply-rows.ts';
import { closeAfterBatch } from './batch-closer.ts';
import { claimShards } from './claim-shards.ts';
import type { CloserRun } from './closer.ts';
import { type DecodedEvent, decodeEvent } from './decode-event.ts';
import { setEventCuts } from './lateness-cut.ts';
import { readWithShardsCounted } from './own-shard.ts';
import { type LateEvent, planBatch, type RowPlan } from './plan-batch.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';

/** What one batch did: the figures the handler logs and reports as metrics. */
export type BatchResult = {
  records: number;
  /** Records an earlier attempt at this batch had already done (its end was recorded). */
  skipped: number;
  deadLettered: number;
  /** Records the pipeline's filter left out. */
  filtered: number;
  late: number;
  rows: number;
  /** Conditional writes made (one per distinct row, plus retries after a lost compare-and-set). */
  conditionalWrites: number;
  /** Single-writer pipelines: rows written plainly at the batch's claim timestamp instead. */
  plainWrites?: number;
  casRetries: number;
  rowsFailed: number;
  /** The lowest record whose row was not applied: where Lambda must resume. */
  failedAt?: InputRecord;
  /** Why rows failed (the first few distinct errors), for the log. */
  rowErrors?: string[];
  /**
   * The pipeline's watermark as the closer claimed it; as read at the batch's start when this
   * container's closer was already running (it then closes for this batch too: batch-closer.ts).
   */
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

/** The records after each shard's recorded position: the rest an earlier attempt finished. */
function notYetDone(records: readonly InputRecord[], shards: readonly ShardWatermark[]) {
  const position = new Map(shards.map((s) => [s.shardId, s.position]));
  return records.filter((r) => {
    const done = position.get(r.shardId);
    return done === undefined || r.sequenceNumber > done;
  });
}

/**
 * Lambda resumes a partly failed batch at `failedAt`: the records before it are done (none has an
 * event in a row that failed), so the shard's row records them. The retry then plans its records
 * with the same newest event time before them as this attempt did, so their cuts do not change
 * (lateness-cut.ts).
 */
async function recordDonePrefix(
  pipeline: Pipeline,
  records: readonly InputRecord[],
  events: readonly DecodedEvent[],
  failedAt: InputRecord,
  ports: EnginePorts,
  settings: EngineSettings,
  shards: readonly ShardWatermark[],
): Promise<void> {
  const before = (r: InputRecord) =>
    r.shardId === failedAt.shardId && r.sequenceNumber < failedAt.sequenceNumber;
  const done = records.filter(before);
  if (done.length === 0) return;
  const doneEvents = events.filter((e) => before(e.record));
  await advanceShardWatermarks(pipeline, done, doneEvents, ports, settings, shards);
}

/**
 * Folds one Kinesis batch into the pipeline's state, exactly once (docs/exactly-once.md). Bad
 * records go to the dead-letter table, late ones to the late-events table; every other event's
 * rows are indexed and updated in parallel up to `settings.concurrency`. Only when every row
 * applied does the batch record its end on its shard's row, and then it closes due windows (one
 * closer run at a time per container: batch-closer.ts).
 */
export async function processBatch(
  pipeline: Pipeline,
  records: readonly InputRecord[],
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<BatchResult> {
  const shardIds = [...new Set(records.map((r) => r.shardId))];
  const view = await readWithShardsCounted(shardIds, ports, settings);
  const { cursor } = view;
  // Single-writer: this attempt's write timestamp, claimed on its shards' rows.
  const claim = pipeline.singleWriter
    ? await claimShards(shardIds, view.shards, ports, settings)
    : undefined;
  const shards = claim?.shards ?? view.shards;
  const todo = notYetDone(records, shards);
  const events: DecodedEvent[] = [];
  const rejected: RejectedRecord[] = [];
  let filtered = 0;
  for (const record of todo) {
    const decoded = decodeEvent(pipeline, record);
    if (decoded.ok) events.push(decoded.event);
    else if (decoded.rejected) rejected.push(decoded.rejected);
    else filtered += 1;
  }
  await ports.sideOutputs.deadLetters(pipeline.name, rejected);

  const claimed = cursor?.claimed ?? Number.NEGATIVE_INFINITY;
  const newest = new Map(shards.map((s) => [s.shardId, s.maxEventTime]));
  setEventCuts(events, newest, claimed, pipeline.lateness.outOfOrderMs);
  const plan = planBatch(pipeline, events);
  const outcomes = await applyRows(
    pipeline,
    plan,
    shardsSeenUpTo(shards, todo),
    ports,
    settings,
    claim,
  );
  const late: LateEvent[] = [...plan.late, ...outcomes.flatMap((o) => o.late)];
  await ports.sideOutputs.lateEvents(
    late.map(({ event, window }) => ({
      record: event.record,
      key: event.key,
      eventTime: event.time,
      window,
      watermark: event.cut,
    })),
  );

  const failed = outcomes.filter((o) => !o.applied);
  const writes = outcomes.reduce((n, o) => n + (o.wrote ? 1 + o.casRetries : 0), 0);
  const result: BatchResult = {
    records: records.length,
    skipped: records.length - todo.length,
    deadLettered: rejected.length,
    filtered,
    late: late.length,
    rows: plan.rows.length,
    conditionalWrites: claim ? 0 : writes,
    ...(claim ? { plainWrites: writes } : {}),
    casRetries: outcomes.reduce((n, o) => n + o.casRetries, 0),
    rowsFailed: failed.length,
    watermark: pipelineWatermark(shards),
  };
  const failedAt = lowestRecord(failed.map((o) => o.plan));
  if (failedAt) {
    await recordDonePrefix(pipeline, todo, events, failedAt, ports, settings, shards);
    const rowErrors = [
      ...new Set(failed.map((o) => (o.error ? String(o.error) : 'compare-and-set lost too often'))),
    ].slice(0, 5);
    return { ...result, failedAt, rowErrors };
  }
  if (todo.length > 0) {
    await advanceShardWatermarks(pipeline, todo, events, ports, settings, shards);
  }
  try {
    const closer = await closeAfterBatch(pipeline, ports, settings);
    return closer ? { ...result, watermark: closer.watermark, closer } : result;
  } catch (error) {
    // The rows are in; the cursor did not move past what failed, so the next run redoes it.
    return { ...result, closerError: error };
  }
}
