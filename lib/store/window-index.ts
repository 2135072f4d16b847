import type cassandra from 'cassandra-driver';
import type { Pipeline } from '../pipeline/spec.ts';
import { inChunks } from './in-chunks.ts';
import {
  batchesPerPartition,
  INDEX_BUCKET_MS,
  INDEX_SLOTS,
  type IndexedWindow,
  indexKey,
} from './index-partitions.ts';
import type { BatchStatement, CassandraSession } from './session.ts';

export {
  INDEX_BUCKET_MS,
  INDEX_SLOTS,
  type IndexedWindow,
  indexBucketOf,
  indexSlotOf,
} from './index-partitions.ts';

const BATCHES_IN_FLIGHT = 16;

/** Windows by close time: the open index tells the closer what is due, the closed one tells sync. */
export interface WindowIndex {
  addOpen(windows: readonly IndexedWindow[]): Promise<void>;
  /**
   * Drops a page of the open index that the closer has closed, as `duePages` gave it (one
   * partition, in index order). Where the store deletes ranges well (Cassandra) it is one range
   * deletion from the page's first entry to its last: no batch indexes a window there any more,
   * since the closer's claim passed it. Elsewhere, entry by entry.
   */
  dropClosedPage(page: readonly IndexedWindow[]): Promise<void>;
  /**
   * Open windows of one hour bucket with from <= closeAt <= upTo, a page at a time: each of the
   * hour's partitions (slots) in turn, by close time within it. The lower bound keeps the read clear of the tombstones closed windows leave behind
   * them; the pages continue from the driver's paging state, so entries removed behind it as
   * pages are closed do not disturb the read.
   */
  duePages(
    bucket: number,
    from: number,
    upTo: number,
    pageSize: number,
  ): AsyncGenerator<IndexedWindow[]>;
  addClosed(windows: readonly IndexedWindow[], closedAt: number): Promise<void>;
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

  addOpen(windows: readonly IndexedWindow[]): Promise<void> {
    const query = `INSERT INTO ${this.#open} (bucket, slot, close_at, key, window, window_start) VALUES (?, ?, ?, ?, ?, ?)`;
    return this.#write(windows, (w) => ({ query, params: indexKey(w) }));
  }

  async dropClosedPage(page: readonly IndexedWindow[]): Promise<void> {
    const first = page[0];
    const last = page.at(-1);
    if (!first || !last) return;
    if (this.#session.rangeDeletes && page.length > 1) {
      const entry = '(close_at, key, window, window_start)';
      const [bucket, slot, ...from] = indexKey(first);
      const [, , ...to] = indexKey(last);
      await this.#session.execute(
        `DELETE FROM ${this.#open} WHERE bucket = ? AND slot = ? AND ${entry} >= (?, ?, ?, ?) AND ${entry} <= (?, ?, ?, ?)`,
        [bucket, slot, ...from, ...to],
        { idempotent: true },
      );
      return;
    }
    const query = `DELETE FROM ${this.#open} WHERE bucket = ? AND slot = ? AND close_at = ? AND key = ? AND window = ? AND window_start = ?`;
    await this.#write(page, (w) => ({ query, params: indexKey(w) }));
  }

  addClosed(windows: readonly IndexedWindow[], closedAt: number): Promise<void> {
    const query = `INSERT INTO ${this.#closed} (bucket, slot, close_at, key, window, window_start, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`;
    const at = new Date(closedAt);
    return this.#write(windows, (w) => ({ query, params: [...indexKey(w), at] }));
  }

  async #write(
    windows: readonly IndexedWindow[],
    statement: (w: IndexedWindow) => BatchStatement,
  ): Promise<void> {
    await inChunks(BATCHES_IN_FLIGHT, batchesPerPartition(windows, statement), (batch) =>
      batch.length === 1 && batch[0]
        ? this.#session.execute(batch[0].query, batch[0].params, { idempotent: true })
        : this.#session.batch(batch, { idempotent: true }),
    );
  }

  async *duePages(
    bucket: number,
    from: number,
    upTo: number,
    pageSize: number,
  ): AsyncGenerator<IndexedWindow[]> {
    const lower = new Date(Math.max(from, bucket * INDEX_BUCKET_MS));
    for (let slot = 0; slot < INDEX_SLOTS; slot++) {
      const params = [BigInt(bucket), slot, lower, new Date(upTo)];
      let pageState: string | undefined;
      do {
        const page = await this.#session.execute(
          `SELECT close_at, key, window, window_start FROM ${this.#open} WHERE bucket = ? AND slot = ? AND close_at >= ? AND close_at <= ?`,
          params,
          { idempotent: true, fetchSize: pageSize, ...(pageState ? { pageState } : {}) },
        );
        if (page.rows.length > 0) yield page.rows.map(entryOf);
        pageState = page.pageState ?? undefined;
      } while (pageState);
    }
  }

  lowestOpenBucket(): Promise<number | undefined> {
    return this.#lowestBucket(this.#open);
  }

  /** The lowest hour bucket of the closed index (where a first closed-windows sync starts). */
  lowestClosedBucket(): Promise<number | undefined> {
    return this.#lowestBucket(this.#closed);
  }

  /**
   * Walks the table's partitions in token order, one row of each (Amazon Keyspaces has no
   * `SELECT DISTINCT`): a query per partition, run once, when nothing says where to start.
   */
  async #lowestBucket(table: string): Promise<number | undefined> {
    let lowest: number | undefined;
    let after: unknown;
    for (;;) {
      const row = await this.#firstRow(
        after === undefined
          ? `SELECT bucket, token(bucket, slot) AS t FROM ${table} LIMIT 1`
          : `SELECT bucket, token(bucket, slot) AS t FROM ${table} WHERE token(bucket, slot) > ? LIMIT 1`,
        after === undefined ? [] : [after],
      );
      if (!row) return lowest;
      const bucket = Number(row.get('bucket'));
      lowest = lowest === undefined ? bucket : Math.min(lowest, bucket);
      after = row.get('t');
    }
  }

  /** The first row of a query, past any empty pages a store returns before it. */
  async #firstRow(cql: string, params: unknown[]) {
    for await (const row of this.#session.rows(cql, params, { idempotent: true })) return row;
    return undefined;
  }

  async closedInBucket(bucket: number): Promise<(IndexedWindow & { closedAt: number })[]> {
    const out: (IndexedWindow & { closedAt: number })[] = [];
    for (let slot = 0; slot < INDEX_SLOTS; slot++) {
      const rows = this.#session.rows(
        `SELECT close_at, key, window, window_start, closed_at FROM ${this.#closed} WHERE bucket = ? AND slot = ?`,
        [BigInt(bucket), slot],
        { idempotent: true },
      );
      for await (const row of rows) {
        out.push({ ...entryOf(row), closedAt: (row.get('closed_at') as Date).getTime() });
      }
    }
    return out;
  }
}

function entryOf(row: cassandra.types.Row): IndexedWindow {
  return {
    closeAt: (row.get('close_at') as Date).getTime(),
    key: String(row.get('key')),
    window: String(row.get('window')),
    start: (row.get('window_start') as Date).getTime(),
  };
}
