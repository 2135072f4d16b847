import type { KinesisStreamEvent } from 'aws-lambda';
import { mapWithConcurrency } from '#lib/engine/concurrency';
import { raiseFences } from '#lib/engine/fences';
import { planBatch, type RowPlan } from '#lib/engine/plan-batch';
import { encodeRow, rowResults } from '#lib/engine/row-accumulator';
import type { Pipeline } from '#lib/pipeline/spec';
import { pipelineTables } from '#lib/store/pipeline-tables';
import { windowRowCql } from '#lib/store/window-row-cql';
import { decodeBatch } from './records.ts';
import type { BenchStore } from './store.ts';

export type RowWritesRun = { rows: number; records: number; wallMs: number; eventsPerSec: number };

/** A planned row's identity and state, as the window table's bound values take them. */
export function rowValues(pipeline: Pipeline, row: RowPlan) {
  return {
    id: [row.ref.key, row.ref.window, BigInt(row.ref.bucket), new Date(row.ref.start)],
    state: [
      new Date(row.ref.end),
      false,
      BigInt(row.events.length),
      ...rowResults(pipeline.aggregates, row.combined),
      Buffer.from(encodeRow(pipeline.aggregates, row.combined)),
    ],
    fences: Object.fromEntries(raiseFences(undefined, row.events)),
  };
}

/**
 * The rows cassflow writes for this batch, as bound values of its INSERT: planned before the
 * clock starts, so the timed part holds no cassflow code at all.
 */
function plannedRows(pipeline: Pipeline, event: KinesisStreamEvent): unknown[][] {
  const plan = planBatch(pipeline, decodeBatch(pipeline, event));
  return plan.rows.map((row) => {
    const { id, state, fences } = rowValues(pipeline, row);
    return [...id, ...state, 1n, fences, new Date()];
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
  return timedWrites(store, event, rows, cql, options.concurrency, (applied) => {
    if (options.conditional && !applied) throw new Error('row already existed');
  });
}

/** Each row's statement, `concurrency` at a time, timed: the batch's events per second. */
async function timedWrites(
  store: BenchStore,
  event: KinesisStreamEvent,
  rows: readonly unknown[][],
  cql: string,
  concurrency: number,
  check: (applied: boolean) => void,
): Promise<RowWritesRun> {
  const start = performance.now();
  await mapWithConcurrency(rows, concurrency, async (params) => {
    check((await store.session.execute(cql, params)).wasApplied());
  });
  return runSince(start, rows.length, event);
}

/** A timed run of `rows` row writes for `event`'s records, started at `start`. */
export function runSince(start: number, rows: number, event: KinesisStreamEvent): RowWritesRun {
  const wallMs = performance.now() - start;
  return {
    rows,
    records: event.Records.length,
    wallMs,
    eventsPerSec: (event.Records.length / wallMs) * 1000,
  };
}

/**
 * The steady-state ceiling: the rows cassflow writes for this batch, each as the conditional
 * update cassflow makes (`IF version = ? AND final = false`), from a version this writer knows
 * (`versions`, by row, kept up to date): one conditional write per row, no read, no cassflow
 * code. The rows must exist (written by timeRowWrites with the first batch: version 1).
 */
export async function timeRowUpdates(
  store: BenchStore,
  pipeline: Pipeline,
  event: KinesisStreamEvent,
  versions: Map<string, bigint>,
  concurrency: number,
): Promise<RowWritesRun> {
  const plan = planBatch(pipeline, decodeBatch(pipeline, event));
  const columns = pipeline.aggregates.map((a) => a.name);
  const { update } = windowRowCql(store.session.table(pipeline.tables.windows), columns);
  const rows = plan.rows.map((row) => {
    const { id, state, fences } = rowValues(pipeline, row);
    const known = `${row.ref.key}|${row.ref.window}|${row.ref.start}`;
    const version = versions.get(known) ?? 1n;
    versions.set(known, version + 1n);
    return [...state, version + 1n, fences, new Date(), ...id, version];
  });
  return timedWrites(store, event, rows, update, concurrency, (applied) => {
    if (!applied) throw new Error('ceiling: a row was not at the version written');
  });
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
