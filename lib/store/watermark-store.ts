import type { ShardWatermark } from '../engine/watermark.ts';
import type { Pipeline } from '../pipeline/spec.ts';
import type { CassandraSession } from './session.ts';
import { fromTimeColumn, toTimeColumn } from './time-column.ts';

const SHARDS = 'shard';
const CLOSER = 'closer';

/**
 * The closer's position. `claimed`: windows closing at or before it are being made final, and a
 * batch treats their events as late. `done`: every window closing at or before it is final.
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
      watermark: fromTimeColumn(row.get('watermark')),
      maxEventTime: fromTimeColumn(row.get('max_event_time')),
      lastSeen: (row.get('last_seen') as Date).getTime(),
      version: BigInt(row.get('version') as bigint),
    }));
  }

  async advanceShard(
    next: Omit<ShardWatermark, 'version'>,
    previous?: ShardWatermark,
  ): Promise<boolean> {
    const values = [
      toTimeColumn(next.watermark),
      toTimeColumn(next.maxEventTime),
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
          toTimeColumn(Number.NEGATIVE_INFINITY),
          toTimeColumn(Number.NEGATIVE_INFINITY),
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
          claimed: fromTimeColumn(row.get('watermark')),
          done: fromTimeColumn(row.get('max_event_time')),
          version: BigInt(row.get('version') as bigint),
        }
      : undefined;
  }

  /** The cursor row reuses the shard columns: watermark = claimed, max_event_time = done. */
  async moveCursor(next: Omit<CloserCursor, 'version'>, previous?: CloserCursor): Promise<boolean> {
    const version = (previous?.version ?? 0n) + 1n;
    const values = [toTimeColumn(next.claimed), toTimeColumn(next.done), version];
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
