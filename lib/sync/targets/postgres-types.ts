import type { ColumnType } from '../column-type.ts';
import type { SyncValue } from '../sync-value.ts';
import { postgresTimestamp } from './postgres-timestamps.ts';

/** The PostgreSQL column type a Cassandra column becomes. Collections become jsonb. */
export function postgresType(type: ColumnType): string {
  if (type.kind !== 'scalar') return 'jsonb';
  switch (type.name) {
    case 'bigint':
    case 'counter':
      return 'bigint';
    case 'int':
      return 'integer';
    case 'smallint':
    case 'tinyint':
      return 'smallint';
    case 'varint':
    case 'decimal':
      return 'numeric';
    case 'float':
      return 'real';
    case 'double':
      return 'double precision';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
      return 'timestamptz';
    case 'date':
      return 'date';
    case 'time':
      return 'time';
    case 'uuid':
    case 'timeuuid':
      return 'uuid';
    case 'inet':
      return 'inet';
    case 'blob':
      return 'bytea';
    default:
      return 'text';
  }
}

/** A value as a query parameter: exact digits stay text (PostgreSQL casts), bytes a Buffer. */
export function postgresParam(type: ColumnType, value: SyncValue): unknown {
  if (value === null) return null;
  if (type.kind !== 'scalar') return JSON.stringify(value, jsonBytes);
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (type.name === 'timestamp') return postgresTimestamp(String(value));
  return value;
}

/** Bytes inside a collection go to jsonb as base64. */
function jsonBytes(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
}
