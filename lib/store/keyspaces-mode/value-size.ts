import type { ValueSource } from './statement.ts';

/**
 * The bytes a value takes as Keyspaces sizes it: its encoded data (UTF-8 for text, 8 bytes for
 * bigint, double and timestamp, 4 for int, 1 for boolean), collections the sum of their parts.
 */
export function valueBytes(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'boolean') return 1;
  if (typeof value === 'number')
    return Number.isInteger(value) && Math.abs(value) < 2 ** 31 ? 4 : 8;
  if (typeof value === 'bigint' || value instanceof Date) return 8;
  if (Buffer.isBuffer(value)) return value.length;
  if (value instanceof Map) {
    let sum = 0;
    for (const [k, v] of value) sum += valueBytes(k) + valueBytes(v);
    return sum;
  }
  if (Array.isArray(value) || value instanceof Set) {
    let sum = 0;
    for (const v of value) sum += valueBytes(v);
    return sum;
  }
  if (typeof value === 'object') {
    // A driver type (Long, Uuid, LocalDate...) or a plain object standing for a map or UDT.
    const buffer = (value as { getBuffer?: () => Buffer }).getBuffer?.();
    if (buffer) return buffer.length;
    if ('low' in value && 'high' in value) return 8;
    let sum = 0;
    for (const [k, v] of Object.entries(value)) sum += Buffer.byteLength(k) + valueBytes(v);
    return sum;
  }
  return 8;
}

/** The bytes of a column's value in a statement: its bound parameters or its literal. */
export function sourceBytes(source: ValueSource, params: readonly unknown[]): number {
  if (source.literal !== undefined) return Buffer.byteLength(source.literal.replace(/^'|'$/g, ''));
  let sum = 0;
  for (const index of source.params) sum += valueBytes(params[index]);
  return sum;
}

/** The values a source stands for, for `IN ?` (a list) or `IN (?, ?)` (several markers). */
export function sourceValues(source: ValueSource, params: readonly unknown[]): unknown[] {
  if (source.params.length === 1) {
    const only = params[source.params[0] as number];
    return Array.isArray(only) ? only : [only];
  }
  return source.params.map((i) => params[i]);
}
