import type { Pipeline } from '../pipeline/spec.ts';
import type { CassandraSession } from './session.ts';

/** A window in the open or closed index: found by when it closes. */
export type IndexedWindow = { closeAt: number; key: string; window: string; start: number };

/** The index rows live in partitions of one hour of close time. */
export const INDEX_BUCKET_MS = 3_600_000;

export function indexBucketOf(closeAt: number): number {
  return Math.floor(closeAt / INDEX_BUCKET_MS);
}

/** Windows by close time: the open index tells the closer what is due, the closed one tells sync. */
export interface WindowIndex {
  addOpen(windows: readonly IndexedWindow[]): Promise<void>;
  removeOpen(window: IndexedWindow): Promise<void>;
  /**
   * Open windows of one hour bucket with from <= closeAt <= upTo, by close time. The lower bound
   * keeps the read clear of the tombstones closed windows leave behind them.
   */
  dueInBucket(bucket: number, from: number, upTo: number, limit: number): Promise<IndexedWindow[]>;
  addClosed(window: IndexedWindow, closedAt: number): Promise<void>;
  closedInBucket(bucket: number): Promise<(IndexedWindow & { closedAt: number })[]>;
  /** The lowest hour bucket of the open index, if it has any rows (the closer's first run). */
  lowestOpenBucket(): Promise<number | undefined>;
}

export class CqlWindowIndex implements WindowIndex {
  readonly #session: CassandraSession;
  readonly #open: string;
  readonly #closed: string;

  constructor(session: CassandraSession, pipeline: Pipeline) {
    this.#session = session;
    this.#open = session.table(pipeline.tables.openWindows);
    this.#closed = session.table(pipeline.tables.closedWindows);
  }

  async addOpen(windows: readonly IndexedWindow[]): Promise<void> {
    await Promise.all(
      windows.map((w) =>
        this.#session.execute(
          `INSERT INTO ${this.#open} (bucket, close_at, key, window, window_start) VALUES (?, ?, ?, ?, ?)`,
          [
            BigInt(indexBucketOf(w.closeAt)),
            new Date(w.closeAt),
            w.key,
            w.window,
            new Date(w.start),
          ],
          { idempotent: true },
        ),
      ),
    );
  }

  async removeOpen(w: IndexedWindow): Promise<void> {
    await this.#session.execute(
      `DELETE FROM ${this.#open} WHERE bucket = ? AND close_at = ? AND key = ? AND window = ? AND window_start = ?`,
      [BigInt(indexBucketOf(w.closeAt)), new Date(w.closeAt), w.key, w.window, new Date(w.start)],
      { idempotent: true },
    );
  }

  async dueInBucket(
    bucket: number,
    from: number,
    upTo: number,
    limit: number,
  ): Promise<IndexedWindow[]> {
    const result = await this.#session.execute(
      `SELECT close_at, key, window, window_start FROM ${this.#open} WHERE bucket = ? AND close_at >= ? AND close_at <= ? LIMIT ?`,
      [BigInt(bucket), new Date(Math.max(from, bucket * INDEX_BUCKET_MS)), new Date(upTo), limit],
      { idempotent: true },
    );
    return result.rows.map((row) => ({
      closeAt: (row.get('close_at') as Date).getTime(),
      key: String(row.get('key')),
      window: String(row.get('window')),
      start: (row.get('window_start') as Date).getTime(),
    }));
  }

  lowestOpenBucket(): Promise<number | undefined> {
    return this.#lowestBucket(this.#open);
  }

  /** The lowest hour bucket of the closed index (where a first closed-windows sync starts). */
  lowestClosedBucket(): Promise<number | undefined> {
    return this.#lowestBucket(this.#closed);
  }

  async #lowestBucket(table: string): Promise<number | undefined> {
    let lowest: number | undefined;
    let pageState: string | undefined;
    do {
      const page = await this.#session.execute(`SELECT DISTINCT bucket FROM ${table}`, [], {
        idempotent: true,
        fetchSize: 1000,
        ...(pageState ? { pageState } : {}),
      });
      for (const row of page.rows) {
        const bucket = Number(row.get('bucket'));
        lowest = lowest === undefined ? bucket : Math.min(lowest, bucket);
      }
      pageState = page.pageState ?? undefined;
    } while (pageState);
    return lowest;
  }

  async addClosed(w: IndexedWindow, closedAt: number): Promise<void> {
    await this.#session.execute(
      `INSERT INTO ${this.#closed} (bucket, close_at, key, window, window_start, closed_at) VALUES (?, ?, ?, ?, ?, ?)`,
      [
        BigInt(indexBucketOf(w.closeAt)),
        new Date(w.closeAt),
        w.key,
        w.window,
        new Date(w.start),
        new Date(closedAt),
      ],
      { idempotent: true },
    );
  }

  async closedInBucket(bucket: number): Promise<(IndexedWindow & { closedAt: number })[]> {
    const out: (IndexedWindow & { closedAt: number })[] = [];
    let pageState: string | undefined;
    do {
      const page = await this.#session.execute(
        `SELECT close_at, key, window, window_start, closed_at FROM ${this.#closed} WHERE bucket = ?`,
        [BigInt(bucket)],
        { idempotent: true, fetchSize: 1000, ...(pageState ? { pageState } : {}) },
      );
      for (const row of page.rows) {
        out.push({
          closeAt: (row.get('close_at') as Date).getTime(),
          key: String(row.get('key')),
          window: String(row.get('window')),
          start: (row.get('window_start') as Date).getTime(),
          closedAt: (row.get('closed_at') as Date).getTime(),
        });
      }
      pageState = page.pageState ?? undefined;
    } while (pageState);
    return out;
  }
}
