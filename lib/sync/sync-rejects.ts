import { inChunks } from '../store/in-chunks.ts';
import type { CassandraSession } from '../store/session.ts';
import { utcHour } from '../store/utc-periods.ts';
import { SYNC_REJECTS } from './sync-tables.ts';
import type { SyncRow } from './target.ts';
import { jsonLine } from './targets/json-row.ts';

/** A row of a page that the sync could not carry to its target, by its place in the page. */
export type RowReject = { index: number; reason: string };

/** One page's rejects, with the rows they are about. */
export type PageRejects = {
  job: string;
  passId: string;
  rangeId: number;
  page: number;
  rejects: readonly (RowReject & { row: SyncRow })[];
};

/** Where a sync job keeps the rows its target could not take. */
export interface SyncRejects {
  /** Records a page's rejects; recording the same page again overwrites them. */
  record(page: PageRejects): Promise<void>;
}

/** Of a rejected row's JSON this much is kept (a row may be as large as the limit it broke). */
export const MAX_REJECT_ROW_BYTES = 64 * 1024;
/** A target's refusal may quote the whole value: its start says enough. */
const MAX_REASON_BYTES = 4096;

/** The start of `text` that fits in `maxBytes` of UTF-8, never cutting a character in two. */
export function utf8Prefix(text: string, maxBytes: number): { text: string; bytes: number } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, bytes: bytes.length };
  let end = maxBytes;
  // A continuation byte (10xxxxxx) at the cut means its character began before it.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8'), bytes: bytes.length };
}

/**
 * The rejects table: a row per rejected source row, keyed by job and the hour it was recorded,
 * then pass, range, page and place in the page, with the source row's primary key so the row
 * can be found again. Rows expire with the table's default TTL.
 */
export class CqlSyncRejects implements SyncRejects {
  readonly #session: CassandraSession;
  readonly #table: string;
  readonly #primaryKey: readonly string[];
  readonly #now: () => number;

  constructor(session: CassandraSession, primaryKey: readonly string[], now = Date.now) {
    this.#session = session;
    this.#table = session.table(SYNC_REJECTS.name);
    this.#primaryKey = primaryKey;
    this.#now = now;
  }

  async record(page: PageRejects): Promise<void> {
    const at = this.#now();
    await inChunks(16, page.rejects, ({ index, reason, row }) => {
      const kept = utf8Prefix(jsonLine(row), MAX_REJECT_ROW_BYTES);
      const key = Object.fromEntries(this.#primaryKey.map((k) => [k, row[k] ?? null]));
      return this.#session.execute(
        `INSERT INTO ${this.#table} (job, hour, pass_id, range_id, page, row_index, reason, primary_key, row, row_bytes, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          page.job,
          new Date(utcHour(at)),
          page.passId,
          page.rangeId,
          page.page,
          index,
          utf8Prefix(reason, MAX_REASON_BYTES).text,
          utf8Prefix(jsonLine(key), MAX_REJECT_ROW_BYTES).text,
          kept.text,
          kept.bytes,
          new Date(at),
        ],
        { idempotent: true },
      );
    });
  }
}
