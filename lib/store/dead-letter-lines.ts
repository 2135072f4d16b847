import { DEAD_LETTERS } from './schema/core-tables.ts';
import type { CassandraSession } from './session.ts';

/** A dead letter as a list shows it: where it was, and why (its raw bytes stay in the store). */
export type DeadLetterLine = {
  shardId: string;
  sequenceNumber: string;
  partitionKey: string;
  field: string;
  reason: string;
  arrivedAt: number;
  recordedAt: number;
};

/**
 * The dead letters of one source's hour partition, page by page, without their raw bytes.
 * Rows that only hold replay marks of an expired letter (no digest) are skipped.
 */
export async function* deadLetterLines(
  session: CassandraSession,
  source: string,
  hour: number,
): AsyncGenerator<DeadLetterLine> {
  const cql =
    'SELECT shard_id, sequence_number, partition_key, field, reason, raw_sha256, arrived_at, ' +
    `recorded_at FROM ${session.table(DEAD_LETTERS.name)} WHERE source = ? AND hour = ?`;
  const rows = session.rows(cql, [source, new Date(hour)], { idempotent: true, fetchSize: 500 });
  for await (const row of rows) {
    if (!row.get('raw_sha256')) continue;
    yield {
      shardId: row.get('shard_id'),
      sequenceNumber: String(row.get('sequence_number')),
      partitionKey: row.get('partition_key') ?? '',
      field: row.get('field') ?? '',
      reason: row.get('reason') ?? '',
      arrivedAt: (row.get('arrived_at') as Date | null)?.getTime() ?? 0,
      recordedAt: (row.get('recorded_at') as Date | null)?.getTime() ?? 0,
    };
  }
}
