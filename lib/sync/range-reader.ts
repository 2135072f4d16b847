import type { CassandraSession } from '../store/session.ts';
import type { RowReject } from './sync-rejects.ts';
import { type SyncValueOf, syncValueOf } from './sync-value.ts';
import type { SyncRow, SyncSchema } from './target.ts';
import type { TokenRange } from './token-ranges.ts';

export type PageRead = {
  rows: SyncRow[];
  nextPageState: string | undefined;
  /** Rows a value of which could not be read (left null in the row), by place in `rows`. */
  unreadable?: RowReject[];
};

/** Reads one page of one token range; the page state says where the last page stopped. */
export type ReadPage = (range: TokenRange, pageState: string | undefined) => Promise<PageRead>;

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Pages through `start < token(pk) <= end` of `table` (selecting `select.schema`'s columns and
 * keeping the rows `select.keep` accepts) with the driver's paging state, `fetchSize` rows at a
 * time. A page may come back empty with a state to go on (Amazon Keyspaces cuts pages at 1 MB
 * read); only a missing state means the range is done.
 */
export function tokenRangeReader(
  session: CassandraSession,
  table: SyncSchema,
  fetchSize: number,
  select: { schema?: SyncSchema; keep?: (row: SyncRow) => boolean } = {},
): ReadPage {
  const schema = select.schema ?? table;
  const keep = select.keep ?? (() => true);
  const partitionKey = table.columns
    .filter((c) => c.kind === 'partition_key')
    .map((c) => quote(c.name));
  const token = `token(${partitionKey.join(', ')})`;
  const columns = schema.columns.map((c) => ({ name: c.name, value: syncValueOf(c.type) }));
  const cql =
    `SELECT ${schema.columns.map((c) => quote(c.name)).join(', ')} ` +
    `FROM ${quote(table.keyspace)}.${quote(table.table)} WHERE ${token} > ? AND ${token} <= ?`;
  return async (range, pageState) => {
    const result = await session.execute(cql, [range.start, range.end], {
      idempotent: true,
      fetchSize,
      ...(pageState ? { pageState } : {}),
    });
    const rows: SyncRow[] = [];
    const unreadable: RowReject[] = [];
    // One reader for the page, not a closure per row (a Row holds its values by column name).
    let row: Record<string, unknown> = {};
    const get = (name: string) => row[name];
    for (row of result.rows) {
      const { values, problem } = rowValues(columns, get);
      if (!keep(values)) continue;
      if (problem !== undefined) unreadable.push({ index: rows.length, reason: problem });
      rows.push(values);
    }
    return {
      rows,
      nextPageState: result.pageState ?? undefined,
      ...(unreadable.length > 0 ? { unreadable } : {}),
    };
  };
}

/**
 * A row's values; a value that cannot be read (a timestamp past JavaScript's dates) is left
 * null and named in `problem`, so the row becomes a reject instead of failing the page.
 */
export function rowValues(
  columns: readonly { name: string; value: SyncValueOf }[],
  get: (name: string) => unknown,
): { values: SyncRow; problem?: string } {
  const values: Record<string, SyncRow[string]> = {};
  try {
    for (const c of columns) values[c.name] = c.value(get(c.name));
    return { values };
  } catch {
    // Rare: the row is read again value by value to name every column at fault.
    const problems: string[] = [];
    for (const c of columns) {
      try {
        values[c.name] = c.value(get(c.name));
      } catch (error) {
        values[c.name] = null;
        problems.push(`column ${c.name}: ${(error as Error).message}`);
      }
    }
    return { values, problem: problems.join('; ') };
  }
}
