import type { Pipeline } from '../pipeline/spec.ts';
import { advanceShardWatermarks } from './advance-watermarks.ts';
import { applyWindowRow, type RowOutcome } from './apply-row.ts';
import { applySessionRow } from './apply-session-row.ts';
import { closeWindow } from './close-window.ts';
import { type CloserRun, closeDueWindows } from './closer.ts';
import { mapWithConcurrency } from './concurrency.ts';
import { type DecodedEvent, decodeEvent } from './decode-event.ts';
import type { InputRecord, RejectedRecord } from './input-record.ts';
import { type LateEvent, planBatch, type RowPlan } from './plan-batch.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';
import { pipelineWatermark } from './watermark.ts';

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
 * Cassandra). Bad records go to the dead-letter table and late ones to the late-events table
 * before anything else is decided; rows are updated in parallel up to `settings.concurrency`;
 * the shard's watermark moves only when every row applied, and then due windows are closed.
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

  const watermark = pipelineWatermark(
    await ports.watermarks.readShards(),
    now,
    pipeline.lateness.idleTimeoutMs,
  );
  const plan = planBatch(pipeline, events, watermark);
  const outcomes: RowOutcome[] = await mapWithConcurrency(plan.rows, settings.concurrency, (row) =>
    row.ref.kind === 'sessions'
      ? applySessionRow(pipeline, row, watermark, ports, settings)
      : applyWindowRow(pipeline, row, ports, settings),
  );
  const late: LateEvent[] = [...plan.late, ...outcomes.flatMap((o) => o.late)];
  await ports.sideOutputs.lateEvents(
    late.map(({ event, window }) => ({
      record: event.record,
      key: event.key,
      eventTime: event.time,
      window,
      watermark,
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
    const rowErrors = [
      ...new Set(failed.map((o) => (o.error ? String(o.error) : 'compare-and-set lost too often'))),
    ].slice(0, 5);
    return { ...result, failedAt, rowErrors };
  }

  await advanceShardWatermarks(pipeline, records, events, ports, settings);
  const after = pipelineWatermark(
    await ports.watermarks.readShards(),
    settings.now(),
    pipeline.lateness.idleTimeoutMs,
  );
  let closer: CloserRun | undefined;
  let closerError: unknown;
  try {
    closer = await closeDueWindows(pipeline, after, ports, settings);
  } catch (error) {
    // The rows are in; the closer's range stays unclaimed as done, so the next batch redoes it.
    closerError = error;
  }
  try {
    await closeOwnLateOpens(pipeline, plan.rows, closer?.covered, ports, settings);
  } catch (error) {
    // No other closer will visit these windows (their close time is behind the cursor): the
    // batch fails, and its replay, a no-op for the rows, closes them.
    const first = lowestRecord(plan.rows);
    if (first) return { ...result, watermark: after, failedAt: first, rowErrors: [String(error)] };
  }
  return {
    ...result,
    watermark: after,
    ...(closer ? { closer } : {}),
    ...(closerError ? { closerError } : {}),
  };
}

/**
 * A window this batch opened after the closer had already claimed its close time would be
 * missed by the closer: the batch closes it itself (idempotent when the closer did too).
 */
async function closeOwnLateOpens(
  pipeline: Pipeline,
  rows: readonly RowPlan[],
  covered: CloserRun['covered'],
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<void> {
  const cursor = await ports.watermarks.readCursor();
  if (!cursor) return;
  const allowed = pipeline.lateness.allowedMs;
  // Windows this call's own complete closer run walked over after the rows were indexed are
  // done; session state rows are indexed by their own earliest close, so they are re-checked.
  const coveredByCloser = (closeAt: number) =>
    covered !== undefined && closeAt >= covered.from && closeAt <= covered.through;
  const due = rows.flatMap((row) => {
    if (row.ref.kind === 'sessions') {
      const spec = pipeline.windows.find((w) => w.name === row.ref.windowName)?.spec;
      const gap = spec?.kind === 'session' ? spec.gap : 0;
      const earliest = Math.min(...row.events.map((e) => e.time + gap + allowed));
      return earliest <= cursor.claimed
        ? [{ closeAt: earliest, key: row.ref.key, window: row.ref.window, start: 0 }]
        : [];
    }
    return row.opens
      .map((w) => ({ closeAt: w.end + allowed, key: w.key, window: w.window, start: w.start }))
      .filter((w) => w.closeAt <= cursor.claimed && !coveredByCloser(w.closeAt));
  });
  await mapWithConcurrency(due, settings.concurrency, (entry) =>
    closeWindow(pipeline, entry, cursor.claimed, ports, settings),
  );
}
