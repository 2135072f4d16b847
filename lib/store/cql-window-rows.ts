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
import type {
  CreateOutcome,
  PartitionId,
  RowWrite,
  StoredWindowRow,
  WindowRowId,
  WindowRowState,
  WindowRowStore,
} from './window-rows.ts';

/** The window table of one pipeline, through prepared statements. */
export class CqlWindowRows implements WindowRowStore {
  readonly #session: CassandraSession;
  readonly #columns: readonly string[];
  readonly #cql: ReturnType<typeof windowRowCql>;
  readonly partitionWrites: boolean;
  /**
   * Single-writer pipelines: no compare-and-set ever touches their window rows, so there is no
   * half-done round to settle before `final` or before reading panes, and `final` has no other
   * writer to be ordered after (batches never write it): plain writes and reads do.
   */
  readonly #singleWriter: boolean;

  constructor(session: CassandraSession, pipeline: Pipeline) {
    this.#session = session;
    this.#columns = pipeline.aggregates.map((a) => a.name);
    this.#cql = windowRowCql(session.table(pipeline.tables.windows), this.#columns);
    this.#singleWriter = pipeline.singleWriter === true;
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
    return this.#range(partition, from, to, !this.#singleWriter);
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
    return this.#session.conditionalBatches && !this.#singleWriter
      ? finalizeByPartition(this.#session, this.#cql, (p, starts) => this.readMany(p, starts), ids)
      : markFinal(this.#session, this.#cql, ids);
  }
}
