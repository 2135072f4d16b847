import { SHARD_CHECKPOINTS } from './schema/core-tables.ts';
import type { CassandraSession } from './session.ts';

export type ShardCheckpoint = {
  shardId: string;
  sequenceNumber: bigint;
  records: bigint;
  version: bigint;
  /** When it last moved (epoch ms). */
  updatedAt: number | undefined;
};

/**
 * Per-shard positions of a stream consumer, advanced with compare-and-set: a write applies only
 * if the row is still at the version the writer read, so a stale or zombie writer cannot move a
 * checkpoint backwards or past work it did not do.
 */
export class ShardCheckpoints {
  readonly #session: CassandraSession;
  readonly #table: string;

  constructor(session: CassandraSession) {
    this.#session = session;
    this.#table = session.table(SHARD_CHECKPOINTS.name);
  }

  async read(consumer: string, stream: string): Promise<Map<string, ShardCheckpoint>> {
    const cql = `SELECT shard_id, sequence_number, records, version, updated_at FROM ${this.#table} WHERE consumer = ? AND stream = ?`;
    const checkpoints = new Map<string, ShardCheckpoint>();
    for await (const row of this.#session.rows(cql, [consumer, stream], { idempotent: true })) {
      const shardId = String(row.get('shard_id'));
      checkpoints.set(shardId, {
        shardId,
        sequenceNumber: BigInt(row.get('sequence_number')),
        records: BigInt(row.get('records') ?? 0),
        version: BigInt(row.get('version')),
        updatedAt: (row.get('updated_at') as Date | null)?.getTime(),
      });
    }
    return checkpoints;
  }

  /**
   * Moves one shard's checkpoint to `sequenceNumber`, adding `records` to its count, if the row
   * is still at `expectedVersion` (undefined: the row must not exist yet). Returns whether it
   * applied; a false means someone else moved it, so re-read before trying again.
   */
  async advance(
    consumer: string,
    stream: string,
    shardId: string,
    update: { sequenceNumber: bigint; records: bigint },
    expected: ShardCheckpoint | undefined,
  ): Promise<boolean> {
    const now = new Date();
    const result = expected
      ? await this.#session.execute(
          `UPDATE ${this.#table} SET sequence_number = ?, records = ?, version = ?, updated_at = ? ` +
            'WHERE consumer = ? AND stream = ? AND shard_id = ? IF version = ?',
          [
            update.sequenceNumber,
            expected.records + update.records,
            expected.version + 1n,
            now,
            consumer,
            stream,
            shardId,
            expected.version,
          ],
          { idempotent: true },
        )
      : await this.#session.execute(
          `INSERT INTO ${this.#table} (consumer, stream, shard_id, sequence_number, records, version, updated_at) ` +
            'VALUES (?, ?, ?, ?, ?, 1, ?) IF NOT EXISTS',
          [consumer, stream, shardId, update.sequenceNumber, update.records, now],
          { idempotent: true },
        );
    return result.wasApplied();
  }
}
