import type { SyncValue } from '../sync-value.ts';
import type { SyncColumn, SyncRow } from '../target.ts';
import { timestampProblem } from './postgres-timestamps.ts';

/** True when some text in the value (a map's keys too) holds U+0000. */
function holdsNul(value: SyncValue): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return false;
  if (Array.isArray(value)) return value.some(holdsNul);
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || holdsNul(v));
}

type Check = (value: SyncValue) => string | undefined;

/** The check of one column, its type's decisions made once. */
function columnCheck(column: SyncColumn): Check | undefined {
  const { type } = column;
  if (type.kind !== 'scalar') {
    return (v) =>
      holdsNul(v) ? 'text holds U+0000 (NUL), which PostgreSQL jsonb cannot store' : undefined;
  }
  if (type.name === 'timestamp') return (v) => timestampProblem(String(v));
  // Only text columns can hold a NUL: uuids, numbers and dates cannot, and bytes may.
  if (type.name === 'text' || type.name === 'ascii' || type.name === 'varchar') {
    return (v) =>
      typeof v === 'string' && v.includes('\u0000')
        ? 'text holds U+0000 (NUL), which PostgreSQL text cannot store'
        : undefined;
  }
  return undefined;
}

/**
 * The check of a row of these columns against what PostgreSQL cannot store: U+0000 in text and
 * jsonb, timestamps outside its range. Built once per schema, run on every row.
 */
export function postgresRowCheck(
  columns: readonly SyncColumn[],
): (row: SyncRow) => string | undefined {
  const checks = columns.flatMap((c) => {
    const check = columnCheck(c);
    return check ? [{ name: c.name, check }] : [];
  });
  return (row) => {
    for (const { name, check } of checks) {
      const value = row[name] ?? null;
      const problem = value === null ? undefined : check(value);
      if (problem) return `column ${name}: ${problem}`;
    }
    return undefined;
  };
}
