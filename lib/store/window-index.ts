import type { Pipeline } from '../pipeline/spec.ts';
import { inChunks } from './in-chunks.ts';
import { BATCH_LIMIT, type BatchStatement, type CassandraSession } from './session.ts';

/** A window in the open or closed index: found by when it closes. */
export type IndexedWindow = { closeAt: number; key: string; window: string; start: number };

/** The index rows live in partitions of one hour of close time. */
export const INDEX_BUCKET_MS = 3_600_000;

export function indexBucketOf(closeAt: number): number {
  return Math.floor(closeAt / INDEX_BUCKET_MS);
}

const BATCHES_IN_FLIGHT = 16;

/**
 * The entries' statements as unlogged batches of one index partition (an hour bucket) each, so
 * every batch is one mutation on one replica set rather than a coordinator's fan-out.
 */
function batchesPerBucket(
  windows: readonly IndexedWindow[],
  statement: (w: IndexedWindow) => BatchStatement,
): BatchStatement[][] {
  const byBucket = new Map<number, BatchStatement[]>();
  for (const w of windows) {
    const bucket = indexBucketOf(w.closeAt);
    const list = byBucket.get(bucket);
    if (list) list.push(statement(w));
    else byBucket.set(bucket, [statement(w)]);
  }
  const batches: BatchStatement[][] = [];
  for (const list of byBucket.values()) {
    for (let i = 0; i < list.length; i += BATCH_LIMIT) {
      batches.push(list.slice(i, i + BATCH_LIMIT));
    }
  }
  return batches;
}

/** Windows by close time: the open index tells the closer what is due, the closed one tells sync. */
export interface WindowIndex {
  addOpen(windows: readonly IndexedWindow[]): Promise<void>;
  /**
   * Drops a page of the open index that the closer has closed, as `duePages` gave it (one
   * bucket, in index order). Where the store deletes ranges well (Cassandra) it is one range
   * deletion from the page's first entry to its last: no batch indexes a window there any more,
   * since the closer's claim passed it. Elsewhere, entry by entry.
   */
  dropClosedPage(page: readonly IndexedWindow[]): Promise<void>;
  /**
   * Open windows of one hour bucket with from <= closeAt <= upTo, by close time, a page at a
   * time. The lower bound keeps the read clear of the tombstones closed windows leave behind
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
    const query = `INSERT INTO ${this.#open} (bucket, close_at, key, window, window_start) VALUES (?, ?, ?, ?, ?)`;
    return this.#write(windows, (w) => ({ query, params: indexKey(w) }));
  }

  async dropClosedPage(page: readonly IndexedWindow[]): Promise<void> {
    const first = page[0];
    const last = page.at(-1);
    if (!first || !last) return;
    if (this.#session.rangeDeletes && page.length > 1) {
      const entry = '(close_at, key, window, window_start)';
      const [bucket, ...from] = indexKey(first);
      const [, ...to] = indexKey(last);
      await this.#session.execute(
        `DELETE FROM ${this.#open} WHERE bucket = ? AND ${entry} >= (?, ?, ?, ?) AND ${entry} <= (?, ?, ?, ?)`,
        [bucket, ...from, ...to],
        { idempotent: true },
      );
      return;
    }
    const query = `DELETE FROM ${this.#open} WHERE bucket = ? AND close_at = ? AND key = ? AND window = ? AND window_start = ?`;
    await this.#write(page, (w) => ({ query, params: indexKey(w) }));
  }

  addClosed(windows: readonly IndexedWindow[], closedAt: number): Promise<void> {
    const query = `INSERT INTO ${this.#closed} (bucket, close_at, key, window, window_start, closed_at) VALUES (?, ?, ?, ?, ?, ?)`;
    const at = new Date(closedAt);
    return this.#write(windows, (w) => ({ query, params: [...indexKey(w), at] }));
  }

  async #write(
    windows: readonly IndexedWindow[],
    statement: (w: IndexedWindow) => BatchStatement,
  ): Promise<void> {
    await inChunks(BATCHES_IN_FLIGHT, batchesPerBucket(windows, statement), (batch) =>
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
    const params = [
      BigInt(bucket),
      new Date(Math.max(from, bucket * INDEX_BUCKET_MS)),
      new Date(upTo),
    ];
    let pageState: string | undefined;
    do {
      const page = await this.#session.execute(
        `SELECT close_at, key, window, window_start FROM ${this.#open} WHERE bucket = ? AND close_at >= ? AND close_at <= ?`,
        params,
        { idempotent: true, fetchSize: pageSize, ...(pageState ? { pageState } : {}) },
      );
      if (page.rows.length > 0) {
        yield page.rows.map((row) => ({
          closeAt: (row.get('close_at') as Date).getTime(),
          key: String(row.get('key')),
          window: String(row.get('window')),
          start: (row.get('window_start') as Date).getTime(),
        }));
      }
      pageState = page.pageState ?? undefined;
    } while (pageState);
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
   * `SELECT DISTINCT`): a query per hour bucket, run once, when nothing says where to start.
   */
  async #lowestBucket(table: string): Promise<number | undefined> {
    let lowest: number | undefined;
    let after: unknown;
    for (;;) {
      const row = await this.#firstRow(
        after === undefined
          ? `SELECT bucket, token(bucket) AS t FROM ${table} LIMIT 1`
          : `SELECT bucket, token(bucket) AS t FROM ${table} WHERE token(bucket) > ? LIMIT 1`,
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

function indexKey(w: IndexedWindow): unknown[] {
  return [
    BigInt(indexBucketOf(w.closeAt)),
    new Date(w.closeAt),
    w.key,
    w.window,
    new Date(w.start),
  ];
}
