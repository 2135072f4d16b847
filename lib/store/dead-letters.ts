import { createHash } from 'node:crypto';
import type { DeadLetterPolicy } from '../pipeline/dead-letter-policy.ts';
import type { RejectedRecord } from '../records/input-record.ts';
import { inChunks } from './in-chunks.ts';
import { DEAD_LETTERS } from './schema/core-tables.ts';
import type { CassandraSession } from './session.ts';
import { utcHour } from './utc-periods.ts';

/**
 * A rejected record's raw bytes as kept: at most `maxRawBytes` of them, with the full length and
 * the SHA-256 of all of them, so an oversize record still fits a row (Keyspaces: 1 MB) and can
 * be matched with the producer's copy.
 */
export function keptRaw(data: Uint8Array, maxRawBytes: number) {
  return {
    raw: Buffer.from(data.subarray(0, maxRawBytes)),
    rawBytes: data.byteLength,
    rawSha256: createHash('sha256').update(data).digest('hex'),
  };
}

/**
 * The dead-letter table: a row per record that could not be used, with its raw bytes (bounded)
 * and the field at fault, keyed by source, arrival hour, shard and sequence number (a retried
 * batch overwrites), kept for the pipeline's `deadLetters.keep`.
 */
export class CqlDeadLetters {
  readonly #session: CassandraSession;
  readonly #table: string;
  readonly #policy: DeadLetterPolicy;
  readonly #concurrency: number;

  constructor(session: CassandraSession, policy: DeadLetterPolicy, concurrency = 32) {
    this.#session = session;
    this.#table = session.table(DEAD_LETTERS.name);
    this.#policy = policy;
    this.#concurrency = concurrency;
  }

  async write(source: string, rejected: readonly RejectedRecord[]): Promise<void> {
    const now = new Date();
    await inChunks(this.#concurrency, rejected, ({ record, field, reason }) => {
      const { raw, rawBytes, rawSha256 } = keptRaw(record.data, this.#policy.maxRawBytes);
      return this.#session.execute(
        `INSERT INTO ${this.#table} (source, hour, shard_id, sequence_number, partition_key, reason, field, raw, raw_bytes, raw_sha256, arrived_at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ?`,
        [
          source,
          new Date(utcHour(record.arrivedAt)),
          record.shardId,
          record.sequenceNumber,
          record.partitionKey,
          `${field}: ${reason}`,
          field,
          raw,
          rawBytes,
          rawSha256,
          new Date(record.arrivedAt),
          now,
          this.#policy.keepSeconds,
        ],
        { idempotent: true },
      );
    });
  }
}
