import type { KinesisStreamEvent } from 'aws-lambda';
import { mapWithConcurrency } from '#lib/engine/concurrency';
import { planBatch } from '#lib/engine/plan-batch';
import type { Pipeline } from '#lib/pipeline/spec';
import { decodeBatch } from './records.ts';
import { type RowWritesRun, rowValues, runSince } from './row-writes.ts';
import type { BenchStore } from './store.ts';

/** Where the prototype keeps a shard's fence: a row of the window table no event key can have. */
const FENCE_KEY = '\u0000fence';

/**
 * How the prototype finds a row's state before writing it: not at all (new windows, or the
 * writer remembers the row), or by reading it first (a cold container on existing rows).
 */
export type Base = 'known' | 'read';

/** Per writer: the fence's version and the last write timestamp it claimed (microseconds). */
export type FenceState = { version: bigint; micros: bigint };

export async function createFence(store: BenchStore, pipeline: Pipeline): Promise<FenceState> {
  const table = store.session.table(pipeline.tables.windows);
  await store.session.execute(
    `INSERT INTO ${table} (key, window, bucket, window_start, version) VALUES (?, 'fence', 0, 0, 0) IF NOT EXISTS`,
    [FENCE_KEY],
  );
  return { version: 0n, micros: 0n };
}

/**
 * The single-writer path's writes for one batch, as a prototype of the write pattern only (no
 * engine code): ONE compare-and-set on the shard's fence row, claiming a write timestamp above
 * every earlier one, then each of cassflow's rows for the batch as a plain write `USING
 * TIMESTAMP` (an INSERT for new rows, an UPDATE of every state column for existing ones), with no
 * condition; `read` first reads each row, as a container that remembers nothing would.
 */
export async function timeSingleWriterBatch(
  store: BenchStore,
  pipeline: Pipeline,
  event: KinesisStreamEvent,
  fence: FenceState,
  options: { exists: boolean; base: Base; concurrency: number },
): Promise<RowWritesRun> {
  const table = store.session.table(pipeline.tables.windows);
  const columns = pipeline.aggregates.map((a) => a.name);
  const plan = planBatch(pipeline, decodeBatch(pipeline, event));
  const rows = plan.rows.map((row) => rowValues(pipeline, row));
  const write = options.exists
    ? `UPDATE ${table} USING TIMESTAMP ? SET window_end = ?, final = ?, events = ?, ` +
      `${columns.map((c) => `${c} = ?`).join(', ')}, acc = ?, version = ?, fences = ?, updated_at = ? ` +
      'WHERE key = ? AND window = ? AND bucket = ? AND window_start = ?'
    : `INSERT INTO ${table} (key, window, bucket, window_start, window_end, final, events, ` +
      `${columns.join(', ')}, acc, version, fences, updated_at) ` +
      `VALUES (${new Array(11 + columns.length).fill('?').join(', ')}) USING TIMESTAMP ?`;
  const read =
    `SELECT acc, version, fences FROM ${table} ` +
    'WHERE key = ? AND window = ? AND bucket = ? AND window_start = ?';

  const start = performance.now();
  const micros = BigInt(Date.now()) * 1000n;
  const claimed = micros > fence.micros ? micros : fence.micros + 1n;
  const fenceWrite = await store.session.execute(
    `UPDATE ${table} SET version = ? WHERE key = ? AND window = 'fence' AND bucket = 0 AND window_start = 0 IF version = ?`,
    [fence.version + 1n, FENCE_KEY, fence.version],
  );
  if (!fenceWrite.wasApplied()) throw new Error('single writer: the fence moved under the writer');
  fence.version += 1n;
  fence.micros = claimed;
  await mapWithConcurrency(rows, options.concurrency, async ({ id, state, fences }) => {
    if (options.base === 'read') await store.session.execute(read, id);
    const params = options.exists
      ? [claimed, ...state, 2n, fences, new Date(), ...id]
      : [...id, ...state, 1n, fences, new Date(), claimed];
    await store.session.execute(write, params);
  });
  return runSince(start, rows.length, event);
}
