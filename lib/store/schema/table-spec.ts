import { cqlNameProblem } from '../../pipeline/cql-names.ts';
/** A table described as data, so the same description yields CQL DDL and CloudFormation. */

export const CQL_TYPES = [
  'ascii',
  'bigint',
  'blob',
  'boolean',
  'date',
  'decimal',
  'double',
  'float',
  'int',
  'text',
  'timestamp',
  'timeuuid',
  'uuid',
  'varint',
  'map<text, text>',
  'map<text, double>',
  'map<text, varint>',
  'map<text, blob>',
  'list<text>',
  'set<text>',
] as const;
export type CqlType = (typeof CQL_TYPES)[number];

export type ColumnSpec = { name: string; type: CqlType };
export type ClusteringColumnSpec = ColumnSpec & { order: 'ASC' | 'DESC' };

export type TableSpec = {
  name: string;
  /** One or more columns; together they pick the partition. */
  partitionKey: readonly ColumnSpec[];
  clusteringKey: readonly ClusteringColumnSpec[];
  columns: readonly ColumnSpec[];
  comment: string;
  /** The table's default TTL in seconds (a pipeline's retention); none when undefined. */
  ttlSeconds?: number;
};

export class TableSpecError extends Error {
  constructor(table: string, message: string) {
    super(`table ${table}: ${message}`);
    this.name = 'TableSpecError';
  }
}

/** Throws a TableSpecError naming the table and the column at fault. */
export function validateTableSpec(spec: TableSpec): void {
  // Lowercase names that are not reserved need no quoting in CQL; Keyspaces allows 48 characters.
  const nameProblem = cqlNameProblem(spec.name);
  if (nameProblem) throw new TableSpecError(spec.name, `name ${nameProblem}`);
  if (spec.partitionKey.length === 0) {
    throw new TableSpecError(spec.name, 'needs at least one partition key column');
  }
  const seen = new Set<string>();
  for (const column of [...spec.partitionKey, ...spec.clusteringKey, ...spec.columns]) {
    const columnProblem = cqlNameProblem(column.name);
    if (columnProblem) throw new TableSpecError(spec.name, `column ${columnProblem}`);
    if (seen.has(column.name)) {
      throw new TableSpecError(spec.name, `column '${column.name}' is declared twice`);
    }
    if (!CQL_TYPES.includes(column.type)) {
      throw new TableSpecError(
        spec.name,
        `column '${column.name}' has unknown type '${column.type}'`,
      );
    }
    seen.add(column.name);
  }
  for (const key of [...spec.partitionKey, ...spec.clusteringKey]) {
    if (key.type.includes('<')) {
      throw new TableSpecError(spec.name, `key column '${key.name}' cannot be a collection`);
    }
  }
}

export function allColumns(spec: TableSpec): ColumnSpec[] {
  return [...spec.partitionKey, ...spec.clusteringKey, ...spec.columns];
}
