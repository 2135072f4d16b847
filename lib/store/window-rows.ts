import type { Pipeline } from '../pipeline/spec.ts';
import type { CassandraSession } from './session.ts';

/** The identity of a window-table row. */
export type WindowRowId = { key: string; window: string; bucket: number; start: number };

/** What a window row holds besides its identity. */
export type WindowRowState = {
  end: number;
  final: boolean;
  events: bigint;
  /** One value per aggregate, in declaration order (the typed result columns). */
  results: readonly unknown[];
  acc: Uint8Array;
  version: bigint;
  /** Per shard, the highest sequence number already folded into this row. */
  fences: ReadonlyMap<string, bigint>;
};

export type StoredWindowRow = WindowRowId & WindowRowState;

/** The row operations the engine needs; compare-and-set on `version` guards every change. */
export interface WindowRowStore {
  read(id: WindowRowId): Promise<StoredWindowRow | undefined>;
  /** Rows of one partition with start in [from, to), ascending. */
  readRange(id: Omit<WindowRowId, 'start'>, from: number, to: number): Promise<StoredWindowRow[]>;
  /** Inserts the row if it does not exist; false when it does. */
  create(id: WindowRowId, state: WindowRowState): Promise<boolean>;
  /**
   * Replaces the row if it is still at `expectedVersion` and not final; false when someone else
   * moved it or it was made final meanwhile.
   */
  update(id: WindowRowId, state: WindowRowState, expectedVersion: bigint): Promise<boolean>;
  /**
   * Makes the row final, in one conditional write without reading it; false when it is final
   * already or does not exist. Leaves the version alone: updates also require `final = false`.
   */
  finalize(id: WindowRowId): Promise<boolean>;
}

type Row = { get(name: string): unknown };

/** The window table of one pipeline, through prepared statements. */
export class CqlWindowRows implements WindowRowStore {
  readonly #session: CassandraSession;
  readonly #columns: readonly string[];
  readonly #select: string;
  readonly #selectRange: string;
  readonly #selectAll: string;
  readonly #insert: string;
  readonly #update: string;
  readonly #finalize: string;

  constructor(session: CassandraSession, pipeline: Pipeline) {
    this.#session = session;
    const table = session.table(pipeline.tables.windows);
    this.#columns = pipeline.aggregates.map((a) => a.name);
    const results = this.#columns.join(', ');
    const selected = `key, window, bucket, window_start, window_end, final, events, ${results}, acc, version, fences`;
    const partition = 'key = ? AND window = ? AND bucket = ?';
    this.#select = `SELECT ${selected} FROM ${table} WHERE ${partition} AND window_start = ?`;
    this.#selectAll = `SELECT ${selected} FROM ${table}`;
    this.#selectRange = `SELECT ${selected} FROM ${table} WHERE ${partition} AND window_start >= ? AND window_start < ?`;
    const marks = this.#columns.map(() => '?').join(', ');
    this.#insert =
      `INSERT INTO ${table} (key, window, bucket, window_start, window_end, final, events, ` +
      `${results}, acc, version, fences, updated_at) ` +
      `VALUES (?, ?, ?, ?, ?, ?, ?, ${marks}, ?, ?, ?, ?) IF NOT EXISTS`;
    const sets = this.#columns.map((c) => `${c} = ?`).join(', ');
    this.#update =
      `UPDATE ${table} SET window_end = ?, final = ?, events = ?, ${sets}, acc = ?, version = ?, ` +
      `fences = ?, updated_at = ? WHERE ${partition} AND window_start = ? ` +
      'IF version = ? AND final = false';
    this.#finalize =
      `UPDATE ${table} SET final = true, updated_at = ? WHERE ${partition} AND window_start = ? ` +
      'IF final = false';
  }

  async read(id: WindowRowId): Promise<StoredWindowRow | undefined> {
    const result = await this.#session.execute(
      this.#select,
      [id.key, id.window, BigInt(id.bucket), new Date(id.start)],
      { idempotent: true },
    );
    const row = result.first();
    return row ? this.#fromRow(row) : undefined;
  }

  async readRange(
    id: Omit<WindowRowId, 'start'>,
    from: number,
    to: number,
  ): Promise<StoredWindowRow[]> {
    const rows: StoredWindowRow[] = [];
    const params = [id.key, id.window, BigInt(id.bucket), new Date(from), new Date(to)];
    for await (const row of this.#pages(this.#selectRange, params)) rows.push(row);
    return rows;
  }

  /**
   * Every row, or every row of one key, page by page in token order. Without a key this reads
   * the whole table; with one, Cassandra still scans it (the key alone is not a partition).
   */
  scan(key?: string): AsyncGenerator<StoredWindowRow> {
    return key === undefined
      ? this.#pages(this.#selectAll, [])
      : this.#pages(`${this.#selectAll} WHERE key = ? ALLOW FILTERING`, [key]);
  }

  async *#pages(cql: string, params: unknown[]): AsyncGenerator<StoredWindowRow> {
    let pageState: string | undefined;
    do {
      const page = await this.#session.execute(cql, params, {
        idempotent: true,
        fetchSize: 1000,
        ...(pageState ? { pageState } : {}),
      });
      for (const row of page.rows) yield this.#fromRow(row);
      pageState = page.pageState ?? undefined;
    } while (pageState);
  }

  async create(id: WindowRowId, state: WindowRowState): Promise<boolean> {
    const result = await this.#session.execute(this.#insert, [
      id.key,
      id.window,
      BigInt(id.bucket),
      new Date(id.start),
      new Date(state.end),
      state.final,
      state.events,
      ...state.results,
      Buffer.from(state.acc),
      state.version,
      Object.fromEntries(state.fences),
      new Date(),
    ]);
    return result.wasApplied();
  }

  async update(id: WindowRowId, state: WindowRowState, expectedVersion: bigint): Promise<boolean> {
    const result = await this.#session.execute(this.#update, [
      new Date(state.end),
      state.final,
      state.events,
      ...state.results,
      Buffer.from(state.acc),
      state.version,
      Object.fromEntries(state.fences),
      new Date(),
      id.key,
      id.window,
      BigInt(id.bucket),
      new Date(id.start),
      expectedVersion,
    ]);
    return result.wasApplied();
  }

  async finalize(id: WindowRowId): Promise<boolean> {
    const result = await this.#session.execute(this.#finalize, [
      new Date(),
      id.key,
      id.window,
      BigInt(id.bucket),
      new Date(id.start),
    ]);
    return result.wasApplied();
  }

  #fromRow(row: Row): StoredWindowRow {
    const fences = (row.get('fences') ?? {}) as Record<string, bigint | number | string>;
    const acc = row.get('acc') as Buffer | null;
    return {
      key: String(row.get('key')),
      window: String(row.get('window')),
      bucket: Number(row.get('bucket')),
      start: (row.get('window_start') as Date).getTime(),
      end: (row.get('window_end') as Date).getTime(),
      final: row.get('final') === true,
      events: BigInt((row.get('events') as bigint | null) ?? 0n),
      results: this.#columns.map((c) => row.get(c)),
      acc: acc ? new Uint8Array(acc.buffer, acc.byteOffset, acc.byteLength) : new Uint8Array(),
      version: BigInt(row.get('version') as bigint),
      fences: new Map(Object.entries(fences).map(([shard, seq]) => [shard, BigInt(seq)])),
    };
  }
}
