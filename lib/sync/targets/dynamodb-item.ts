import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { ColumnType } from '../column-type.ts';
import type { SyncValue } from '../sync-value.ts';
import type { SyncRow, SyncSchema } from '../target.ts';

const NUMERIC = new Set([
  'bigint',
  'counter',
  'varint',
  'decimal',
  'int',
  'smallint',
  'tinyint',
  'float',
  'double',
]);

/** A value as a DynamoDB attribute: numbers exact (N takes their digits), bytes as B. */
export function attributeOf(type: ColumnType, value: SyncValue): AttributeValue {
  if (value === null) return { NULL: true };
  if (type.kind === 'list' || type.kind === 'set') {
    return { L: (value as readonly SyncValue[]).map((v) => attributeOf(type.element, v)) };
  }
  if (type.kind === 'map') {
    const m: Record<string, AttributeValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, SyncValue>))
      m[k] = attributeOf(type.value, v);
    return { M: m };
  }
  if (value instanceof Uint8Array) return { B: value };
  if (typeof value === 'boolean') return { BOOL: value };
  if (NUMERIC.has(type.name)) {
    // NaN and infinities have no DynamoDB number: keep them readable as strings.
    const text = String(value);
    return /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text) ? { N: text } : { S: text };
  }
  return { S: String(value) };
}

/** The item key: pk from the partition key columns, sk from the clustering ones ('-' if none). */
export function itemKey(schema: SyncSchema, row: SyncRow): { pk: string; sk: string } {
  const part = schema.columns
    .filter((c) => c.kind === 'partition_key')
    .map((c) => row[c.name] ?? null);
  const clust = schema.columns
    .filter((c) => c.kind === 'clustering')
    .map((c) => row[c.name] ?? null);
  const join = (values: SyncValue[]) =>
    values.length === 1 ? String(values[0]) : JSON.stringify(values);
  return { pk: join(part), sk: clust.length === 0 ? '-' : join(clust) };
}

/** The whole item: its key attributes and every column. */
export function itemOf(schema: SyncSchema, row: SyncRow): Record<string, AttributeValue> {
  const { pk, sk } = itemKey(schema, row);
  const item: Record<string, AttributeValue> = { pk: { S: pk }, sk: { S: sk } };
  for (const c of schema.columns) item[c.name] = attributeOf(c.type, row[c.name] ?? null);
  return item;
}
