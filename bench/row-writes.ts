import type { KinesisStreamEvent } from 'aws-lambda';
import { mapWithConcurrency } from '#lib/engine/concurrency';
import { raiseFences } from '#lib/engine/fences';
import { planBatch } from '#lib/engine/plan-batch';
import { encodeRow, rowResults } from '#lib/engine/row-accumulator';
import type { Pipeline } from '#lib/pipeline/spec';
import { pipelineTables } from '#lib/store/pipeline-tables';
import { decodeBatch } from './records.ts';
import type { BenchStore } from './store.ts';

export type RowWritesRun = { rows: number; records: number; wallMs: number; eventsPerSec: number };

/**
 * The rows cassflow writes for this batch, as bound values of its INSERT: planned before the
 * clock starts, so the timed part holds no cassflow code at all.
 */
function plannedRows(pipeline: Pipeline, event: KinesisStreamEvent): unknown[][] {
  const decoded = decodeBatch(pipeline, event);
  const plan = planBatch(pipeline, decoded);
  return plan.rows.map((row) => {
    return [
      row.ref.key,
      row.ref.window,
      BigInt(row.ref.bucket),
      new Date(row.ref.start),
      new Date(row.ref.end),
      false,
      BigInt(row.events.length),
      ...rowResults(pipeline.aggregates, row.combined),
      Buffer.from(encodeRow(pipeline.aggregates, row.combined)),
      1n,
      Object.fromEntries(raiseFences(undefined, row.events)),
      new Date(),
    ];
  });
}

/**
 * Baselines for the handler: the rows cassflow writes for a batch, written straight with the same
 * driver, session and concurrency, either as conditional inserts (`IF NOT EXISTS`: the ceiling of
 * any compare-and-set design) or as plain inserts (what writes cost without any transaction).
 * The table must exist and be empty, so every insert creates its row, as cassflow's first call
 * does.
 */
export async function timeRowWrites(
  store: BenchStore,
  pipeline: Pipeline,
  event: KinesisStreamEvent,
  options: { conditional: boolean; concurrency: number },
): Promise<RowWritesRun> {
  const rows = plannedRows(pipeline, event);
  const columns = pipeline.aggregates.map((a) => a.name);
  const cql =
    `INSERT INTO ${store.session.table(pipeline.tables.windows)} (key, window, bucket, window_start, ` +
    `window_end, final, events, ${columns.join(', ')}, acc, version, fences, updated_at) ` +
    `VALUES (${new Array(11 + columns.length).fill('?').join(', ')})` +
    (options.conditional ? ' IF NOT EXISTS' : '');
  const start = performance.now();
  await mapWithConcurrency(rows, options.concurrency, async (params) => {
    const result = await store.session.execute(cql, params);
    if (options.conditional && !result.wasApplied()) throw new Error('row already existed');
  });
  const wallMs = performance.now() - start;
  return {
    rows: rows.length,
    records: event.Records.length,
    wallMs,
    eventsPerSec: (event.Records.length / wallMs) * 1000,
  };
}

/** The window table of `pipeline`, the only table the row-writes baselines use. */
export function rowWritesTable(pipeline: Pipeline) {
  const [windows] = pipelineTables(pipeline);
  if (!windows) throw new Error('no windows table');
  return windows;
}

/** timeRowWrites on a fresh table of its own, created and dropped around it (for warm-ups). */
export async function writeRowsDirectly(
  store: BenchStore,
  pipeline: Pipeline,
  event: KinesisStreamEvent,
  options: { conditional: boolean; concurrency: number },
): Promise<RowWritesRun> {
  const windows = rowWritesTable(pipeline);
  await store.createTables([windows]);
  try {
    return await timeRowWrites(store, pipeline, event, options);
  } finally {
    await store.dropTables([windows]);
  }
}
