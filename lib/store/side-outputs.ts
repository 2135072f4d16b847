import type { InputRecord, RejectedRecord } from '../engine/input-record.ts';
import { DEAD_LETTERS } from './schema/core-tables.ts';
import type { CassandraSession } from './session.ts';

/** A late event as stored: the raw record, its key and time, and the window it missed. */
export type LateRecord = {
  record: InputRecord;
  key: string;
  eventTime: number;
  window: string;
  watermark: number;
};

/** Where records go that cannot be counted: nothing is dropped without a row saying why. */
export interface SideOutputs {
  deadLetters(source: string, rejected: readonly RejectedRecord[]): Promise<void>;
  lateEvents(late: readonly LateRecord[]): Promise<void>;
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Writes are plain idempotent inserts keyed by shard and sequence number: replays overwrite. */
export class CqlSideOutputs implements SideOutputs {
  readonly #session: CassandraSession;
  readonly #deadLetters: string;
  readonly #lateEvents: string;
  readonly #concurrency: number;

  constructor(session: CassandraSession, lateEventsTable: string, concurrency = 32) {
    this.#session = session;
    this.#deadLetters = session.table(DEAD_LETTERS.name);
    this.#lateEvents = session.table(lateEventsTable);
    this.#concurrency = concurrency;
  }

  async deadLetters(source: string, rejected: readonly RejectedRecord[]): Promise<void> {
    const now = new Date();
    await this.#inChunks(rejected, ({ record, field, reason }) =>
      this.#session.execute(
        `INSERT INTO ${this.#deadLetters} (source, day, shard_id, sequence_number, partition_key, reason, field, raw, arrived_at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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

  async lateEvents(late: readonly LateRecord[]): Promise<void> {
    const now = new Date();
    await this.#inChunks(late, (l) =>
      this.#session.execute(
        `INSERT INTO ${this.#lateEvents} (day, shard_id, sequence_number, window, key, event_time, watermark, raw, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          utcDay(l.record.arrivedAt),
          l.record.shardId,
          l.record.sequenceNumber,
          l.window,
          l.key,
          new Date(l.eventTime),
          new Date(Number.isFinite(l.watermark) ? l.watermark : 0),
          Buffer.from(l.record.data),
          now,
        ],
        { idempotent: true },
      ),
    );
  }

  async #inChunks<T>(items: readonly T[], write: (item: T) => Promise<unknown>): Promise<void> {
    for (let i = 0; i < items.length; i += this.#concurrency) {
      await Promise.all(items.slice(i, i + this.#concurrency).map(write));
    }
  }
}
