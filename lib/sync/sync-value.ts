import type { ColumnType } from './column-type.ts';

/**
 * A column value in a form every target can write without losing anything: integers beyond
 * 2^53 and decimals as exact strings, times as epoch ms or ISO text, bytes as Uint8Array.
 */
export type SyncValue =
  | null
  | string
  | number
  | boolean
  | Uint8Array
  | readonly SyncValue[]
  | { readonly [key: string]: SyncValue };

/** What the driver hands back, loosely: its Long, BigDecimal, Uuid, LocalDate... all print exactly. */
type DriverValue = unknown;

/** A driver value of the given column type as a SyncValue (null stays null). */
export function toSyncValue(type: ColumnType, value: DriverValue): SyncValue {
  if (value === null || value === undefined) return null;
  if (type.kind === 'list' || type.kind === 'set') {
    return [...(value as Iterable<DriverValue>)].map((v) => toSyncValue(type.element, v));
  }
  if (type.kind === 'map') {
    const out: Record<string, SyncValue> = {};
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
    for (const [k, v] of entries)
      out[String(toSyncValue(type.key, k))] = toSyncValue(type.value, v);
    return out;
  }
  switch (type.name) {
    case 'int':
    case 'smallint':
    case 'tinyint':
    case 'float':
    case 'double':
      return Number(value);
    case 'boolean':
      return Boolean(value);
    case 'bigint':
    case 'counter':
    case 'varint':
    case 'decimal':
    case 'time':
      // Exact digits: a Long, BigInt or BigDecimal prints its full value.
      return String(value);
    case 'timestamp':
      return (value as Date).toISOString();
    case 'date':
      return String(value); // LocalDate prints YYYY-MM-DD
    case 'blob':
      return new Uint8Array(value as Buffer);
    default:
      return String(value); // text, ascii, varchar, uuid, timeuuid, inet
  }
}
