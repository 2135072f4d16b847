import type { StoreKind } from '../../config/config.ts';
import { allColumns, type ColumnSpec, type TableSpec, validateTableSpec } from './table-spec.ts';

export type KeyspaceOptions = { kind: StoreKind; keyspace: string; replicationFactor?: number };

/**
 * `CREATE KEYSPACE IF NOT EXISTS`. Keyspaces replicates on its own (SingleRegionStrategy);
 * a self-managed cluster gets SimpleStrategy with the configured replication factor.
 */
export function createKeyspaceCql(options: KeyspaceOptions): string {
  const replication =
    options.kind === 'keyspaces'
      ? "{'class': 'SingleRegionStrategy'}"
      : `{'class': 'SimpleStrategy', 'replication_factor': ${options.replicationFactor ?? 1}}`;
  return `CREATE KEYSPACE IF NOT EXISTS ${options.keyspace} WITH replication = ${replication}`;
}

/** `CREATE TABLE IF NOT EXISTS`, with the clustering order and a comment. */
export function createTableCql(keyspace: string, spec: TableSpec): string {
  validateTableSpec(spec);
  const columns = allColumns(spec).map((c) => `  ${c.name} ${c.type}`);
  const partition = spec.partitionKey.map((c) => c.name).join(', ');
  const clustering = spec.clusteringKey.map((c) => c.name);
  const primaryKey = [`(${partition})`, ...clustering].join(', ');
  const options = [`comment = '${spec.comment.replaceAll("'", "''")}'`];
  // On Keyspaces a default TTL also turns the table's TTL feature on.
  if (spec.ttlSeconds) options.push(`default_time_to_live = ${spec.ttlSeconds}`);
  if (spec.clusteringKey.length > 0) {
    const order = spec.clusteringKey.map((c) => `${c.name} ${c.order}`).join(', ');
    options.unshift(`CLUSTERING ORDER BY (${order})`);
  }
  return [
    `CREATE TABLE IF NOT EXISTS ${keyspace}.${spec.name} (`,
    `${columns.join(',\n')},`,
    `  PRIMARY KEY (${primaryKey})`,
    `) WITH ${options.join(' AND ')}`,
  ].join('\n');
}

/** `ALTER TABLE ... ADD`: a regular column a table of an earlier cassflow lacks. */
export function addColumnCql(keyspace: string, table: string, column: ColumnSpec): string {
  return `ALTER TABLE ${keyspace}.${table} ADD ${column.name} ${column.type}`;
}

/** Turns a table's TTL on (Keyspaces) with a default for rows written without `USING TTL`. */
export function defaultTtlCql(keyspace: string, table: string, seconds: number): string {
  return `ALTER TABLE ${keyspace}.${table} WITH default_time_to_live = ${seconds}`;
}
