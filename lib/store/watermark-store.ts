import type { Pipeline } from '../pipeline/spec.ts';
import type { CassandraSession } from './session.ts';
import { fromTimeColumn, toTimeColumn } from './time-column.ts';
import type { ShardClaim, ShardState, ShardWatermark } from './watermark.ts';

const SHARDS = 'shard';
const CLOSER = 'closer';

/**
 * The closer's position. `claimed`: windows closing at or before it are being made final, and a
 * batch treats their events as late. `done`: every window closing at or before it is final.
 */
export type CloserCursor = { claimed: number; done: number; version: bigint };

/** What a batch's end writes to its shard's row. */
export type ShardAdvance = {
  shardId: string;
  watermark: number;
  maxEventTime: number;
  lastSeen: number;
  position: bigint;
};

/**
 * Per-shard watermarks and the closer's cursor, each changed with compare-and-set on its version
 * (see docs/exactly-once.md for who writes what, in which order).
 */
export interface WatermarkStore {
  readShards(): Promise<ShardWatermark[]>;
  /** Writes the shard's next state (active again) if it is still at `previous`. */
  advanceShard(next: ShardAdvance, previous: ShardWatermark): Promise<boolean>;
  /** Enters a shard that has no row, with no watermark yet: it holds the pipeline's back. */
  registerShard(shardId: string, now: number): Promise<boolean>;
  /** Moves the shard to `state` if it is still at `previous` (lastSeen too, when given). */
  setShardState(previous: ShardWatermark, state: ShardState, lastSeen?: number): Promise<boolean>;
  /** Records a batch's claim on the shard if it is still at `previous` (docs/single-writer.md). */
  claimShard(previous: ShardWatermark, claim: ShardClaim): Promise<boolean>;
  /** Drops the row of a shard that ended and was read to its end. */
  removeShard(shardId: string): Promise<void>;
  readCursor(): Promise<CloserCursor | undefined>;
  moveCursor(next: Omit<CloserCursor, 'version'>, previous?: CloserCursor): Promise<boolean>;
  /**
   * Changes nothing but the cursor's version: a closer that read the shards before a shard
   * started counting again then loses its claim and reads them again.
   */
  bumpCursor(previous?: CloserCursor): Promise<boolean>;
}

const SHARD_COLUMNS =
  'shard_id, watermark, max_event_time, last_seen, position, state, version, claim_ts, claimer, claim_seen';

export class CqlWatermarks implements WatermarkStore {
  readonly #session: CassandraSession;
  readonly #table: string;

  constructor(session: CassandraSession, pipeline: Pipeline) {
    this.#session = session;
    this.#table = session.table(pipeline.tables.watermarks);
  }

  async readShards(): Promise<ShardWatermark[]> {
    const shards: ShardWatermark[] = [];
    const cql = `SELECT ${SHARD_COLUMNS} FROM ${this.#table} WHERE scope = ?`;
    for await (const row of this.#session.rows(cql, [SHARDS], { idempotent: true })) {
      shards.push(shardOf(row));
    }
    return shards;
  }

  async advanceShard(next: ShardAdvance, previous: ShardWatermark): Promise<boolean> {
    const result = await this.#session.execute(
      `UPDATE ${this.#table} SET watermark = ?, max_event_time = ?, last_seen = ?, position = ?, state = ?, version = ? WHERE scope = ? AND shard_id = ? IF version = ?`,
      [
        toTimeColumn(next.watermark),
        toTimeColumn(next.maxEventTime),
        new Date(next.lastSeen),
        next.position,
        'active',
        previous.version + 1n,
        SHARDS,
        next.shardId,
        previous.version,
      ],
    );
    return result.wasApplied();
  }

  async registerShard(shardId: string, now: number): Promise<boolean> {
    const none = toTimeColumn(Number.NEGATIVE_INFINITY);
    const result = await this.#session.execute(
      `INSERT INTO ${this.#table} (scope, shard_id, watermark, max_event_time, last_seen, state, version) VALUES (?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS`,
      [SHARDS, shardId, none, none, new Date(now), 'active', 1n],
    );
    return result.wasApplied();
  }

  async setShardState(
    previous: ShardWatermark,
    state: ShardState,
    lastSeen?: number,
  ): Promise<boolean> {
    const result = await this.#session.execute(
      `UPDATE ${this.#table} SET state = ?, last_seen = ?, version = ? WHERE scope = ? AND shard_id = ? IF version = ?`,
      [
        state,
        new Date(lastSeen ?? previous.lastSeen),
        previous.version + 1n,
        SHARDS,
        previous.shardId,
        previous.version,
      ],
    );
    return result.wasApplied();
  }

  async claimShard(previous: ShardWatermark, claim: ShardClaim): Promise<boolean> {
    const result = await this.#session.execute(
      `UPDATE ${this.#table} SET claim_ts = ?, claimer = ?, claim_seen = ?, version = ? WHERE scope = ? AND shard_id = ? IF version = ?`,
      [
        claim.timestamp,
        claim.claimer,
        toTimeColumn(claim.seenUpTo),
        previous.version + 1n,
        SHARDS,
        previous.shardId,
        previous.version,
      ],
    );
    return result.wasApplied();
  }

  async removeShard(shardId: string): Promise<void> {
    await this.#session.execute(
      `DELETE FROM ${this.#table} WHERE scope = ? AND shard_id = ?`,
      [SHARDS, shardId],
      { idempotent: true },
    );
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

  bumpCursor(previous?: CloserCursor): Promise<boolean> {
    const none = Number.NEGATIVE_INFINITY;
    return this.moveCursor(
      { claimed: previous?.claimed ?? none, done: previous?.done ?? none },
      previous,
    );
  }
}

function shardOf(row: { get(name: string): unknown }): ShardWatermark {
  const position = row.get('position');
  const claimTs = row.get('claim_ts');
  return {
    shardId: String(row.get('shard_id')),
    watermark: fromTimeColumn(row.get('watermark')),
    maxEventTime: fromTimeColumn(row.get('max_event_time')),
    lastSeen: (row.get('last_seen') as Date).getTime(),
    ...(position === null || position === undefined
      ? {}
      : { position: BigInt(position as bigint) }),
    state: stateOf(row.get('state')),
    version: BigInt(row.get('version') as bigint),
    ...(claimTs === null || claimTs === undefined
      ? {}
      : {
          claim: {
            timestamp: BigInt(claimTs as bigint),
            claimer: String(row.get('claimer')),
            seenUpTo: fromTimeColumn(row.get('claim_seen')),
          },
        }),
  };
}

function stateOf(value: unknown): ShardState {
  return value === 'probing' || value === 'idle' ? value : 'active';
}
