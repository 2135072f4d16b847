import type { Pipeline } from '../pipeline/spec.ts';
import type { CassandraSession } from './session.ts';
import { fromTimeColumn, toTimeColumn } from './time-column.ts';

/**
 * A batch's promise to the closer: "I may still write windows closing at or after
 * `lowestCloseAt`, until I release this or until `expiresAt`".
 */
export type WriteHold = { id: string; lowestCloseAt: number; expiresAt: number };

/**
 * Holds of the batches writing rows now. A writer places its hold and only then reads the
 * closer's cursor; a closer moves the cursor and only then reads the holds. With both as
 * quorum operations, at least one of them sees the other: the writer finds the windows claimed
 * (its events are late), or the closer stops short of the writer's windows.
 */
export interface WriteHolds {
  place(hold: WriteHold): Promise<void>;
  release(id: string): Promise<void>;
  /** Every hold on record, expired ones included (the closer ignores and sweeps those). */
  list(): Promise<WriteHold[]>;
}

const HOLDS = 'hold';

/**
 * Holds as rows of the watermarks table, in their own partition. Like the cursor row they reuse
 * the shard columns: watermark = lowest close time, max_event_time = expiry. Plain writes: each
 * batch has its own row, so nothing needs a compare-and-set.
 */
export class CqlWriteHolds implements WriteHolds {
  readonly #session: CassandraSession;
  readonly #table: string;

  constructor(session: CassandraSession, pipeline: Pipeline) {
    this.#session = session;
    this.#table = session.table(pipeline.tables.watermarks);
  }

  async place(hold: WriteHold): Promise<void> {
    await this.#session.execute(
      `INSERT INTO ${this.#table} (scope, shard_id, watermark, max_event_time, last_seen, version) VALUES (?, ?, ?, ?, ?, ?)`,
      [
        HOLDS,
        hold.id,
        toTimeColumn(hold.lowestCloseAt),
        toTimeColumn(hold.expiresAt),
        new Date(),
        0n,
      ],
      { idempotent: true },
    );
  }

  async release(id: string): Promise<void> {
    await this.#session.execute(
      `DELETE FROM ${this.#table} WHERE scope = ? AND shard_id = ?`,
      [HOLDS, id],
      { idempotent: true },
    );
  }

  async list(): Promise<WriteHold[]> {
    const result = await this.#session.execute(
      `SELECT shard_id, watermark, max_event_time FROM ${this.#table} WHERE scope = ?`,
      [HOLDS],
      { idempotent: true },
    );
    return result.rows.map((row) => ({
      id: String(row.get('shard_id')),
      lowestCloseAt: fromTimeColumn(row.get('watermark')),
      expiresAt: fromTimeColumn(row.get('max_event_time')),
    }));
  }
}
