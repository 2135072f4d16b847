import type { CassandraSession } from '../store/session.ts';
import { HOUR_MS, utcHour } from '../store/utc-periods.ts';
import { SYNC_REJECTS } from './sync-tables.ts';

/** A reject as the rejects table keeps it. */
export type RecordedReject = {
  recordedAt: number;
  passId: string;
  rangeId: number;
  page: number;
  rowIndex: number;
  reason: string;
  /** The source row's primary key columns, as JSON. */
  primaryKey: string;
  /** The row as JSON, perhaps only its start: `rowBytes` is the whole row's length. */
  row: string;
  rowBytes: number;
};

/** Hour partitions read at once: few, as each may hold `limit` rows of up to 64 KiB. */
const HOURS_IN_FLIGHT = 4;

/**
 * A sync job's rejects recorded from `from` to `to` (epoch ms), newest hour first, at most
 * `limit` of them; `more` says some were left out. Reads one partition per hour of the span, and
 * at most `limit` + 1 rows of each.
 */
export async function readRejects(
  session: CassandraSession,
  job: string,
  span: { from: number; to: number; limit: number },
): Promise<{ rejects: RecordedReject[]; more: boolean }> {
  const cql =
    'SELECT recorded_at, pass_id, range_id, page, row_index, reason, primary_key, row, row_bytes ' +
    `FROM ${session.table(SYNC_REJECTS.name)} WHERE job = ? AND hour = ?`;
  const hours: number[] = [];
  for (let h = utcHour(span.to); h >= utcHour(span.from); h -= HOUR_MS) hours.push(h);
  const rejects: RecordedReject[] = [];
  for (let i = 0; i < hours.length; i += HOURS_IN_FLIGHT) {
    const batch = await Promise.all(
      hours
        .slice(i, i + HOURS_IN_FLIGHT)
        .map((hour) => readHour(session, cql, [job, new Date(hour)], span.limit + 1)),
    );
    for (const found of batch) {
      rejects.push(...found.filter((r) => r.recordedAt >= span.from && r.recordedAt <= span.to));
    }
    if (rejects.length > span.limit) break;
  }
  return { rejects: rejects.slice(0, span.limit), more: rejects.length > span.limit };
}

async function readHour(
  session: CassandraSession,
  cql: string,
  params: [string, Date],
  cap: number,
): Promise<RecordedReject[]> {
  const found: RecordedReject[] = [];
  for await (const row of session.rows(cql, params, {
    idempotent: true,
    fetchSize: Math.min(cap, 1000),
  })) {
    if (found.length >= cap) break;
    found.push({
      recordedAt: (row.get('recorded_at') as Date).getTime(),
      passId: String(row.get('pass_id')),
      rangeId: Number(row.get('range_id')),
      page: Number(row.get('page')),
      rowIndex: Number(row.get('row_index')),
      reason: String(row.get('reason')),
      primaryKey: String(row.get('primary_key')),
      row: String(row.get('row')),
      rowBytes: Number(row.get('row_bytes')),
    });
  }
  // Newest first within the hour too, as the hours are.
  return found.sort((a, b) => b.recordedAt - a.recordedAt);
}
