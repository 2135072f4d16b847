import type { RejectedRecord } from '../engine/input-record.ts';
import { inChunks } from './in-chunks.ts';
import { DEAD_LETTERS } from './schema/core-tables.ts';
import type { CassandraSession } from './session.ts';

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The dead-letter table: a row per record that could not be used, with its raw bytes and the
 * field at fault, keyed by source, arrival day, shard and sequence number (replays overwrite).
 */
export class CqlDeadLetters {
  readonly #session: CassandraSession;
  readonly #table: string;
  readonly #concurrency: number;

  constructor(session: CassandraSession, concurrency = 32) {
    this.#session = session;
    this.#table = session.table(DEAD_LETTERS.name);
    this.#concurrency = concurrency;
  }

  async write(source: string, rejected: readonly RejectedRecord[]): Promise<void> {
    const now = new Date();
    await inChunks(this.#concurrency, rejected, ({ record, field, reason }) =>
      this.#session.execute(
        `INSERT INTO ${this.#table} (source, day, shard_id, sequence_number, partition_key, reason, field, raw, arrived_at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          source,
          utcDay(record.arrivedAt),
          record.shardId,
          record.sequenceNumber,
          record.partitionKey,
          `${field}: ${reason}`,
          field,
          Buffer.from(record.data),
          new Date(record.arrivedAt),
          now,
        ],
        { idempotent: true },
      ),
    );
  }
}
