import type { Pipeline } from '../pipeline/spec.ts';
import { finalizeByPartition, markFinal } from './finalize-rows.ts';
import type { CassandraSession } from './session.ts';
import {
  fromRow,
  idParams,
  insertParams,
  isUnwritten,
  updateOf,
  windowRowCql,
  writeAtParams,
} from './window-row-cql.ts';

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
  /** Pane rows only: events late for some of the pane's windows, by generation (pane-share.ts). */
  partials?: ReadonlyMap<number, Uint8Array>;
};

export type StoredWindowRow = WindowRowId & WindowRowState;

/** A conditional insert that lost comes back with the row that beat it (no read needed). */
export type CreateOutcome = { created: true } | { created: false; existing?: StoredWindowRow };

/** The row operations the engine needs; compare-and-set on `version` guards every change. */
export interface WindowRowStore {
  read(id: WindowRowId): Promise<StoredWindowRow | undefined>;
  /** Rows of one partition with start in [from, to), ascending. */
  readRange(partition: PartitionId, from: number, to: number): Promise<StoredWindowRow[]>;
  /** Inserts the row if it does not exist; when it does, says so with the stored row. */
  create(id: WindowRowId, state: WindowRowState): Promise<CreateOutcome>;
  /**
   * Replaces the row if it is still at `expectedVersion` and not final; false when someone else
   * moved it or it was made final meanwhile.
   */
  update(id: WindowRowId, state: WindowRowState, expectedVersion: bigint): Promise<boolean>;
  /**
   * Makes rows final. No batch writes them any more (the closer claimed them, and no batch plans
   * a row its cut has passed), so what this must settle is the past: on Cassandra a conditional
   * write per partition, which completes or supersedes any compare-and-set a timed-out writer
   * left half done, and whose Paxos ballot orders it after every earlier write whatever the
   * clocks say; on Keyspaces, where neither can happen, plain writes. A window indexed but never
   * written gets a row of only `final`: `read` returns it as final at version 0, and the results
   * readers (`readRange`, `scan`) skip it.
   */
  finalize(ids: readonly WindowRowId[]): Promise<void>;
  /**
   * Rows of one partition with start in [from, to), after every earlier compare-and-set on them
   * settled (see ExecuteOptions.settled): what the closer assembles a window from.
   */
  readSettled(partition: PartitionId, from: number, to: number): Promise<StoredWindowRow[]>;
  /**
   * True when several rows of one partition can be written in one compare-and-set
   * (`writePartition`): Cassandra, not Amazon Keyspaces.
   */
  readonly partitionWrites: boolean;
  /** Rows of one partition at these starts; an absent row has no entry. */
  readMany(partition: PartitionId, starts: readonly number[]): Promise<StoredWindowRow[]>;
  /**
   * Writes rows of one partition in one conditional batch: each is created if absent (no
   * `expectedVersion`) or replaced if still at its version and not final. All apply or none.
   */
  writePartition(partition: PartitionId, writes: readonly RowWrite[]): Promise<boolean>;
  /**
   * Single-writer pipelines (docs/single-writer.md): writes rows of one partition with no
   * condition, every state column but `final`, at write timestamp `timestamp` (µs). Of two
   * writes of a row, the one with the higher timestamp wins every cell, whatever lands last.
   */
  writeAt(partition: PartitionId, writes: readonly RowWrite[], timestamp: bigint): Promise<void>;
}

/** A partition of the window table: one key's rows of one window over a span of starts. */
export type PartitionId = Omit<WindowRowId, 'start'>;

/** One row of a partition write. */
export type RowWrite = { start: number; state: WindowRowState; expectedVersion?: bigint };

/** The window table of one pipeline, through prepared statements. */
export class CqlWindowRows implements WindowRowStore {
  readonly #session: CassandraSession;
  readonly #columns: readonly string[];
  readonly #cql: ReturnType<typeof windowRowCql>;
  readonly partitionWrites: boolean;

  constructor(session: CassandraSession, pipeline: Pipeline) {
    this.#session = session;
    this.#columns = pipeline.aggregates.map((a) => a.name);
    const cql = windowRowCql(session.table(pipeline.tables.windows), this.#columns);
    // Rows written at client timestamps have `final` null, not false, until they are closed.
    this.#cql = pipeline.singleWriter ? { ...cql, finalize: cql.finalizeNotFinal } : cql;
    this.partitionWrites = session.conditionalBatches;
  }

  async read(id: WindowRowId): Promise<StoredWindowRow | undefined> {
    const result = await this.#session.execute(this.#cql.select, idParams(id), {
      idempotent: true,
    });
    const row = result.first();
    return row ? fromRow(row, this.#columns) : undefined;
  }

  async readMany(partition: PartitionId, starts: readonly number[]): Promise<StoredWindowRow[]> {
    const params = [
      partition.key,
      partition.window,
      BigInt(partition.bucket),
      starts.map((s) => new Date(s)),
    ];
    const rows: StoredWindowRow[] = [];
    for await (const row of this.#session.rows(this.#cql.selectMany, params, {
      idempotent: true,
    })) {
      rows.push(fromRow(row, this.#columns));
    }
    return rows;
  }

  readRange(partition: PartitionId, from: number, to: number): Promise<StoredWindowRow[]> {
    return this.#range(partition, from, to, false);
  }

  readSettled(partition: PartitionId, from: number, to: number): Promise<StoredWindowRow[]> {
    return this.#range(partition, from, to, true);
  }

  async #range(partition: PartitionId, from: number, to: number, settled: boolean) {
    const rows: StoredWindowRow[] = [];
    const params = [
      partition.key,
      partition.window,
      BigInt(partition.bucket),
      new Date(from),
      new Date(to),
    ];
    for await (const row of this.#pages(this.#cql.selectRange, params, settled)) rows.push(row);
    return rows;
  }

  /**
   * Every row, or every row of one key, page by page in token order. Without a key this reads
   * the whole table; with one, Cassandra still scans it (the key alone is not a partition).
   */
  scan(key?: string): AsyncGenerator<StoredWindowRow> {
    return key === undefined
      ? this.#pages(this.#cql.selectAll, [])
      : this.#pages(`${this.#cql.selectAll} WHERE key = ? ALLOW FILTERING`, [key]);
  }

  async *#pages(cql: string, params: unknown[], settled = false): AsyncGenerator<StoredWindowRow> {
    let pageState: string | undefined;
    do {
      const page = await this.#session.execute(cql, params, {
        idempotent: true,
        fetchSize: 1000,
        settled,
        ...(pageState ? { pageState } : {}),
      });
      for (const row of page.rows) {
        // Results readers skip windows that were closed but never written.
        if (!isUnwritten(row)) yield fromRow(row, this.#columns);
      }
      pageState = page.pageState ?? undefined;
    } while (pageState);
  }

  async create(id: WindowRowId, state: WindowRowState): Promise<CreateOutcome> {
    const result = await this.#session.execute(this.#cql.insert, insertParams(id, state));
    if (result.wasApplied()) return { created: true };
    const row = result.first();
    return row ? { created: false, existing: fromRow(row, this.#columns) } : { created: false };
  }

  async update(id: WindowRowId, state: WindowRowState, expectedVersion: bigint): Promise<boolean> {
    const { query, params } = updateOf(this.#cql, id, state, expectedVersion);
    const result = await this.#session.execute(query, params);
    return result.wasApplied();
  }

  async writePartition(partition: PartitionId, writes: readonly RowWrite[]): Promise<boolean> {
    const result = await this.#session.batch(
      writes.map(({ start, state, expectedVersion }) => {
        const id = { ...partition, start };
        return expectedVersion === undefined
          ? { query: this.#cql.insert, params: insertParams(id, state) }
          : updateOf(this.#cql, id, state, expectedVersion);
      }),
    );
    return result.wasApplied();
  }

  async writeAt(
    partition: PartitionId,
    writes: readonly RowWrite[],
    timestamp: bigint,
  ): Promise<void> {
    // Rewriting the same cells at the same timestamp changes nothing: safe to send again.
    const statements = writes.map(({ start, state }) => ({
      query: this.#cql.writeAt,
      params: writeAtParams({ ...partition, start }, state, timestamp),
    }));
    const [one] = statements;
    if (!one) return;
    if (statements.length === 1) {
      await this.#session.execute(one.query, one.params, { idempotent: true });
    } else {
      await this.#session.batch(statements, { idempotent: true });
    }
  }

  finalize(ids: readonly WindowRowId[]): Promise<void> {
    return this.#session.conditionalBatches
      ? finalizeByPartition(this.#session, this.#cql, (p, starts) => this.readMany(p, starts), ids)
      : markFinal(this.#session, this.#cql, ids);
  }
}
