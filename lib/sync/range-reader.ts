import type { CassandraSession } from '../store/session.ts';
import { syncValueOf } from './sync-value.ts';
import type { SyncRow, SyncSchema } from './target.ts';
import type { TokenRange } from './token-ranges.ts';

export type PageRead = { rows: SyncRow[]; nextPageState: string | undefined };

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
    const rows = result.rows
      .map((row) => {
        const out: Record<string, SyncRow[string]> = {};
        for (const c of columns) out[c.name] = c.value(row.get(c.name));
        return out as SyncRow;
      })
      .filter(keep);
    return { rows, nextPageState: result.pageState ?? undefined };
  };
}
