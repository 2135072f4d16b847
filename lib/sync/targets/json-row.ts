import type { ColumnType } from '../column-type.ts';
import type { SyncColumn, SyncRow } from '../target.ts';

const base64Bytes = (_key: string, value: unknown) =>
  value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;

/** A row as one line of JSON: bytes as base64, exact numbers as the strings they came as. */
export function jsonLine(row: SyncRow): string {
  return JSON.stringify(row, base64Bytes);
}

function holdsBytes(type: ColumnType): boolean {
  if (type.kind === 'scalar') return type.name === 'blob';
  if (type.kind === 'map') return holdsBytes(type.key) || holdsBytes(type.value);
  return holdsBytes(type.element);
}

/**
 * The line writer for rows of these columns. A replacer runs for every value of every row, so
 * it is only used when some column can hold bytes; without one, stringify is about twice as fast.
 */
export function jsonLineOf(columns: readonly SyncColumn[]): (row: SyncRow) => string {
  return columns.some((c) => holdsBytes(c.type)) ? jsonLine : (row) => JSON.stringify(row);
}
