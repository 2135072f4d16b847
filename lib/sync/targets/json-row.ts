import type { SyncRow } from '../target.ts';

/** A row as one line of JSON: bytes as base64, exact numbers as the strings they came as. */
export function jsonLine(row: SyncRow): string {
  return JSON.stringify(row, (_key, value: unknown) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value,
  );
}
