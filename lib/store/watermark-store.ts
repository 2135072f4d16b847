import type { ShardWatermark } from '../engine/watermark.ts';
import type { Pipeline } from '../pipeline/spec.ts';
import type { CassandraSession } from './session.ts';

const SHARDS = 'shard';

/** Back from a column: the safe-integer limits are the unbounded ends again. */
function fromColumn(value: unknown): number {
  const ms = Number(value);
  if (ms <= Number.MIN_SAFE_INTEGER) return Number.NEGATIVE_INFINITY;
  if (ms >= Number.MAX_SAFE_INTEGER) return Number.POSITIVE_INFINITY;
  return ms;
}

/** Event times as bigint columns; the unbounded ends become the safe-integer limits. */
function toColumn(ms: number): bigint {
  if (Number.isFinite(ms)) return BigInt(Math.trunc(ms));
  return BigInt(ms > 0 ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER);
}
const CLOSER = 'closer';

/**
 * The closer's position. `claimed`: windows closing at or before it are being made final (a
 * handler that opens such a window closes it itself). `done`: the open index below its hour
 * bucket is empty.
 */
export type CloserCursor = { claimed: number; done: number; version: bigint };

/** Per-shard watermarks and the closer's cursor, each moved forward with compare-and-set. */
export interface WatermarkStore {
  readShards(): Promise<ShardWatermark[]>;
  /** Writes the shard's next state if it is still at `previous` (undefined: no row yet). */
  advanceShard(next: Omit<ShardWatermark, 'version'>, previous?: ShardWatermark): Promise<boolean>;
  /** Enters shards that have not reported yet, so they hold the watermark back until idle. */
  registerShards(shardIds: readonly string[], now: number): Promise<void>;
  readCursor(): Promise<CloserCursor | undefined>;
  moveCursor(next: Omit<CloserCursor, 'version'>, previous?: CloserCursor): Promise<boolean>;
}

export class CqlWatermarks implements WatermarkStore {
  readonly #session: CassandraSession;
  readonly #table: string;

  constructor(session: CassandraSession, pipeline: Pipeline) {
    this.#session = session;
    this.#table = session.table(pipeline.tables.watermarks);
  }

  async readShards(): Promise<ShardWatermark[]> {
    const result = await this.#session.execute(
      `SELECT shard_id, watermark, max_event_time, last_seen, version FROM ${this.#table} WHERE scope = ?`,
      [SHARDS],
      { idempotent: true },
    );
    return result.rows.map((row) => ({
      shardId: String(row.get('shard_id')),
      watermark: fromColumn(row.get('watermark')),
      maxEventTime: fromColumn(row.get('max_event_time')),
      lastSeen: (row.get('last_seen') as Date).getTime(),
      version: BigInt(row.get('version') as bigint),
    }));
  }

  async advanceShard(
    next: Omit<ShardWatermark, 'version'>,
    previous?: ShardWatermark,
  ): Promise<boolean> {
    const values = [
      toColumn(next.watermark),
      toColumn(next.maxEventTime),
      new Date(next.lastSeen),
      (previous?.version ?? 0n) + 1n,
    ];
    const result = previous
      ? await this.#session.execute(
          `UPDATE ${this.#table} SET watermark = ?, max_event_time = ?, last_seen = ?, version = ? WHERE scope = ? AND shard_id = ? IF version = ?`,
          [...values, SHARDS, next.shardId, previous.version],
        )
      : await this.#session.execute(
          `INSERT INTO ${this.#table} (watermark, max_event_time, last_seen, version, scope, shard_id) VALUES (?, ?, ?, ?, ?, ?) IF NOT EXISTS`,
          [...values, SHARDS, next.shardId],
        );
    return result.wasApplied();
  }

  async registerShards(shardIds: readonly string[], now: number): Promise<void> {
    for (const shardId of shardIds) {
      await this.#session.execute(
        `INSERT INTO ${this.#table} (watermark, max_event_time, last_seen, version, scope, shard_id) VALUES (?, ?, ?, ?, ?, ?) IF NOT EXISTS`,
        [
          toColumn(Number.NEGATIVE_INFINITY),
          toColumn(Number.NEGATIVE_INFINITY),
          new Date(now),
          0n,
          SHARDS,
          shardId,
        ],
      );
    }
  }

  async readCursor(): Promise<CloserCursor | undefined> {
    const result = await this.#session.execute(
      `SELECT watermark, max_event_time, version FROM ${this.#table} WHERE scope = ? AND shard_id = ?`,
      [CLOSER, 'cursor'],
      { idempotent: true },
    );
    const row = result.first();
    return row
      ? {
          claimed: fromColumn(row.get('watermark')),
          done: fromColumn(row.get('max_event_time')),
          version: BigInt(row.get('version') as bigint),
        }
      : undefined;
  }

  /** The cursor row reuses the shard columns: watermark = claimed, max_event_time = done. */
  async moveCursor(next: Omit<CloserCursor, 'version'>, previous?: CloserCursor): Promise<boolean> {
    const version = (previous?.version ?? 0n) + 1n;
    const values = [toColumn(next.claimed), toColumn(next.done), version];
    const result = previous
      ? await this.#session.execute(
          `UPDATE ${this.#table} SET watermark = ?, max_event_time = ?, version = ? WHERE scope = ? AND shard_id = ? IF version = ?`,
          [...values, CLOSER, 'cursor', previous.version],
        )
      : await this.#session.execute(
          `INSERT INTO ${this.#table} (watermark, max_event_time, version, scope, shard_id) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS`,
          [...values, CLOSER, 'cursor'],
        );
    return result.wasApplied();
  }
}
