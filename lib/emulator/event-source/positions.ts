import { type ShardCheckpoint, ShardCheckpoints } from '../../store/checkpoints.ts';
import type { CassandraSession } from '../../store/session.ts';
import { CheckpointConflictError } from './errors.ts';

/** Where a mapping stands in one shard: after a sequence number, or past the shard's end. */
export type ShardPosition = { sequenceNumber: bigint } | 'SHARD_END';

/** Durable shard positions of one event-source mapping, so a restart resumes. */
export type PositionStore = {
  load(): Promise<Map<string, ShardPosition>>;
  save(shardId: string, position: ShardPosition, records: number): Promise<void>;
};

/** Stored for a shard read to its end (sequence numbers are never negative). */
const SHARD_END = -1n;

/**
 * Positions in cassflow's shard_checkpoints table, moved with compare-and-set: if another
 * runtime moved a position it owns, saving fails loudly instead of both consuming the shard.
 */
export class CassandraPositions implements PositionStore {
  readonly #checkpoints: ShardCheckpoints;
  readonly #mapping: string;
  readonly #stream: string;
  readonly #seen = new Map<string, ShardCheckpoint>();

  constructor(session: CassandraSession, mapping: string, stream: string) {
    this.#checkpoints = new ShardCheckpoints(session);
    this.#mapping = mapping;
    this.#stream = stream;
  }

  async load(): Promise<Map<string, ShardPosition>> {
    const rows = await this.#checkpoints.read(this.#mapping, this.#stream);
    const positions = new Map<string, ShardPosition>();
    for (const [shardId, row] of rows) {
      this.#seen.set(shardId, row);
      positions.set(
        shardId,
        row.sequenceNumber === SHARD_END ? 'SHARD_END' : { sequenceNumber: row.sequenceNumber },
      );
    }
    return positions;
  }

  async save(shardId: string, position: ShardPosition, records: number): Promise<void> {
    const expected = this.#seen.get(shardId);
    const sequenceNumber = position === 'SHARD_END' ? SHARD_END : position.sequenceNumber;
    const update = { sequenceNumber, records: BigInt(records) };
    const applied = await this.#checkpoints.advance(
      this.#mapping,
      this.#stream,
      shardId,
      update,
      expected,
    );
    if (!applied && !(await this.#alreadyAt(shardId, sequenceNumber))) {
      throw new CheckpointConflictError(this.#mapping, shardId);
    }
    if (applied) {
      this.#seen.set(shardId, {
        shardId,
        sequenceNumber,
        records: (expected?.records ?? 0n) + update.records,
        version: (expected?.version ?? 0n) + 1n,
        updatedAt: Date.now(),
      });
    }
  }

  /** A write that timed out may have applied: then the retry finds the row already there. */
  async #alreadyAt(shardId: string, sequenceNumber: bigint): Promise<boolean> {
    const row = (await this.#checkpoints.read(this.#mapping, this.#stream)).get(shardId);
    if (row?.sequenceNumber !== sequenceNumber) return false;
    this.#seen.set(shardId, row);
    return true;
  }
}

/** Positions kept in memory only (a runtime that always starts from its starting position). */
export class MemoryPositions implements PositionStore {
  readonly positions = new Map<string, ShardPosition>();

  async load(): Promise<Map<string, ShardPosition>> {
    return new Map(this.positions);
  }

  async save(shardId: string, position: ShardPosition): Promise<void> {
    this.positions.set(shardId, position);
  }
}
