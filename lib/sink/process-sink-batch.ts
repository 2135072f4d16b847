import { mapWithConcurrency } from '../engine/concurrency.ts';
import type { SinkPipeline } from '../pipeline/sink-spec.ts';
import type { InputRecord, RejectedRecord } from '../records/input-record.ts';
import { mapRecord, type SinkRow } from './map-record.ts';

/** Where a sink writes: its table, and the dead-letter table. */
export type SinkPorts = {
  table: { insert(values: readonly unknown[]): Promise<void> };
  deadLetters(source: string, rejected: readonly RejectedRecord[]): Promise<void>;
};

export type SinkBatchResult = {
  records: number;
  written: number;
  /** Rows not written because a later record of the batch has the same primary key. */
  superseded: number;
  deadLettered: number;
  rowsFailed: number;
  /** The lowest record whose row was not written: where Lambda must resume. */
  failedAt?: InputRecord;
  rowErrors?: string[];
};

/** Per primary key the last record of the batch: parallel inserts must not reorder a key's rows. */
function lastPerKey(rows: readonly SinkRow[]): SinkRow[] {
  const last = new Map<string, SinkRow>();
  for (const row of rows) {
    const seen = last.get(row.id);
    if (!seen || row.record.sequenceNumber > seen.record.sequenceNumber) last.set(row.id, row);
  }
  return [...last.values()];
}

/**
 * Writes one Kinesis batch into the sink's table: one idempotent INSERT per primary key (a replay
 * writes the same values again), bad records to the dead-letter table.
 */
export async function processSinkBatch(
  pipeline: SinkPipeline,
  records: readonly InputRecord[],
  ports: SinkPorts,
  concurrency: number,
): Promise<SinkBatchResult> {
  const rows: SinkRow[] = [];
  const rejected: RejectedRecord[] = [];
  for (const record of records) {
    const mapped = mapRecord(pipeline, record);
    if (mapped.ok) rows.push(mapped.row);
    else rejected.push(mapped.rejected);
  }
  await ports.deadLetters(pipeline.name, rejected);
  const writes = lastPerKey(rows);
  const failures: { record: InputRecord; error: unknown }[] = [];
  await mapWithConcurrency(writes, concurrency, async (row) => {
    try {
      await ports.table.insert(row.values);
    } catch (error) {
      failures.push({ record: row.record, error });
    }
  });
  const result: SinkBatchResult = {
    records: records.length,
    written: writes.length - failures.length,
    superseded: rows.length - writes.length,
    deadLettered: rejected.length,
    rowsFailed: failures.length,
  };
  if (failures.length === 0) return result;
  const failedAt = failures.reduce((a, b) =>
    b.record.sequenceNumber < a.record.sequenceNumber ? b : a,
  ).record;
  const rowErrors = [...new Set(failures.map((f) => String(f.error)))].slice(0, 5);
  return { ...result, failedAt, rowErrors };
}
