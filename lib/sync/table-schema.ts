import type { CassandraSession } from '../store/session.ts';
import { parseColumnType } from './column-type.ts';
import type { SyncColumn, SyncSchema } from './target.ts';

/** The source table is not there. */
export class SyncSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyncSourceError';
  }
}

const KIND_ORDER = { partition_key: 0, clustering: 1, static: 2, regular: 3 } as const;

/**
 * The columns of a table from system_schema.columns (which Amazon Keyspaces serves too), in
 * primary-key order. A missing table or an unsupported column type is an error naming it.
 */
export async function readTableSchema(
  session: CassandraSession,
  keyspace: string,
  table: string,
): Promise<SyncSchema> {
  const result = await session.execute(
    'SELECT column_name, kind, position, type FROM system_schema.columns ' +
      'WHERE keyspace_name = ? AND table_name = ?',
    [keyspace, table],
    { idempotent: true },
  );
  if (result.rows.length === 0) {
    throw new SyncSourceError(`table ${keyspace}.${table} does not exist`);
  }
  const columns: (SyncColumn & { position: number })[] = result.rows.map((row) => {
    const name = String(row.get('column_name'));
    const cqlType = String(row.get('type'));
    return {
      name,
      cqlType,
      type: parseColumnType(`${keyspace}.${table}.${name}`, cqlType),
      kind: String(row.get('kind')) as SyncColumn['kind'],
      position: Number(row.get('position')),
    };
  });
  columns.sort(
    (a, b) =>
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      a.position - b.position ||
      a.name.localeCompare(b.name),
  );
  return {
    keyspace,
    table,
    columns: columns.map(({ position: _, ...c }) => c),
    primaryKey: columns
      .filter((c) => c.kind === 'partition_key' || c.kind === 'clustering')
      .map((c) => c.name),
  };
}
