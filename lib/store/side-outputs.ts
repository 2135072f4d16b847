import type { DeadLetterPolicy } from '../pipeline/dead-letter-policy.ts';
import type { InputRecord, RejectedRecord } from '../records/input-record.ts';
import { CqlDeadLetters, keptRaw } from './dead-letters.ts';
import { inChunks } from './in-chunks.ts';
import type { CassandraSession } from './session.ts';
import { utcDay } from './utc-periods.ts';

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

/** Where late events go and how they are kept: TTL, and raw bytes bounded as dead letters' are. */
export type LateEventsTable = { name: string; keepSeconds: number };

/**
 * Late events and dead letters: idempotent inserts keyed by shard and sequence number, with a TTL
 * and at most `maxRawBytes` of the raw record (a row stays under Keyspaces' 1 MB).
 */
export class CqlSideOutputs implements SideOutputs {
  readonly #session: CassandraSession;
  readonly #deadLetters: CqlDeadLetters;
  readonly #lateEvents: string;
  readonly #lateKeepSeconds: number;
  readonly #maxRawBytes: number;
  readonly #concurrency: number;

  constructor(
    session: CassandraSession,
    lateEvents: LateEventsTable,
    deadLetters: DeadLetterPolicy,
    concurrency = 32,
  ) {
    this.#session = session;
    this.#deadLetters = new CqlDeadLetters(session, deadLetters, concurrency);
    this.#lateEvents = session.table(lateEvents.name);
    this.#lateKeepSeconds = lateEvents.keepSeconds;
    this.#maxRawBytes = deadLetters.maxRawBytes;
    this.#concurrency = concurrency;
  }

  deadLetters(source: string, rejected: readonly RejectedRecord[]): Promise<void> {
    return this.#deadLetters.write(source, rejected);
  }

  async lateEvents(late: readonly LateRecord[]): Promise<void> {
    const now = new Date();
    await inChunks(this.#concurrency, late, (l) => {
      const { raw, rawBytes, rawSha256 } = keptRaw(l.record.data, this.#maxRawBytes);
      return this.#session.execute(
        `INSERT INTO ${this.#lateEvents} (day, shard_id, sequence_number, window, key, event_time, watermark, raw, raw_bytes, raw_sha256, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ?`,
        [
          utcDay(l.record.arrivedAt),
          l.record.shardId,
          l.record.sequenceNumber,
          l.window,
          l.key,
          new Date(l.eventTime),
          new Date(Number.isFinite(l.watermark) ? l.watermark : 0),
          raw,
          rawBytes,
          rawSha256,
          now,
          this.#lateKeepSeconds,
        ],
        { idempotent: true },
      );
    });
  }
}
