import type { Pipeline } from '../pipeline/spec.ts';
import { inFlightLimit } from '../store/in-flight.ts';
import { finalRowBucket } from '../store/row-ref.ts';
import type { CassandraSession } from '../store/session.ts';
import { INDEX_BUCKET_MS, INDEX_SLOTS, indexBucketOf } from '../store/window-index.ts';
import { type PageRead, type ReadPage, rowValues } from './range-reader.ts';
import type { RowReject } from './sync-rejects.ts';
import { syncValueOf } from './sync-value.ts';
import type { SyncSchema } from './target.ts';
import type { TokenRange } from './token-ranges.ts';

/** Final-row reads a closed-windows reader has in flight at most, over all its ranges. */
export const ROW_READS_IN_FLIGHT = 64;

/**
 * The close-time slices of a closed-windows pass: (from, through] cut at the hour buckets of the
 * closed-windows index, one range per partition of a bucket (INDEX_SLOTS of them, in slot order,
 * so a range's slot is its id modulo INDEX_SLOTS: the id is what a checkpoint keeps). `from` is
 * where the last pass reached; `through` is how far the closer has closed every due window (its
 * cursor), so nothing that closes later can land behind the pass.
 */
export function planClosedSlices(from: number, through: number): TokenRange[] {
  const ranges: TokenRange[] = [];
  if (through <= from) return ranges;
  for (let b = indexBucketOf(from + 1); b <= indexBucketOf(through); b++) {
    const start = BigInt(Math.max(from, b * INDEX_BUCKET_MS - 1));
    const end = BigInt(Math.min(through, (b + 1) * INDEX_BUCKET_MS - 1));
    for (let slot = 0; slot < INDEX_SLOTS; slot++) ranges.push({ id: ranges.length, start, end });
  }
  return ranges;
}

/** The index partition (slot) of a slice planned by `planClosedSlices`. */
export function closedSliceSlot(range: TokenRange): number {
  return range.id % INDEX_SLOTS;
}

/**
 * Reads one page of the closed-windows index in a slice (`start < close_at <= end`), then each
 * listed window's final row, as result rows of `schema`.
 */
export function closedWindowReader(
  session: CassandraSession,
  pipeline: Pipeline,
  schema: SyncSchema,
  fetchSize: number,
): ReadPage {
  const specs = new Map(pipeline.windows.map((w) => [w.name, w.spec]));
  const index = session.table(pipeline.tables.closedWindows);
  const columns = schema.columns.map((c) => c.name);
  const values = schema.columns.map((c) => ({ name: c.name, value: syncValueOf(c.type) }));
  const select =
    `SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM ${session.table(pipeline.tables.windows)} ` +
    'WHERE key = ? AND window = ? AND bucket = ? AND window_start = ?';
  // One read per listed window, a page of them per range, several ranges at once: capped, as
  // a Keyspaces connection takes about 3,000 requests a second.
  const readRow = inFlightLimit(ROW_READS_IN_FLIGHT);
  return async (range, pageState): Promise<PageRead> => {
    const start = Number(range.start);
    const end = Number(range.end);
    const page = await session.execute(
      `SELECT key, window, window_start FROM ${index} WHERE bucket = ? AND slot = ? AND close_at > ? AND close_at <= ?`,
      [BigInt(indexBucketOf(end)), closedSliceSlot(range), new Date(start), new Date(end)],
      { idempotent: true, fetchSize, ...(pageState ? { pageState } : {}) },
    );
    const rows = await Promise.all(
      page.rows.map((entry) =>
        readRow(async () => {
          const key = String(entry.get('key'));
          const window = String(entry.get('window'));
          const windowStart = (entry.get('window_start') as Date).getTime();
          const spec = specs.get(window);
          if (!spec) return undefined; // a window since removed from the definition
          const result = await session.execute(
            select,
            [key, window, BigInt(finalRowBucket(spec, windowStart)), new Date(windowStart)],
            { idempotent: true },
          );
          const row = result.first();
          // No event count: a window closed without ever being written (see markFinal).
          if (!row || row.get('events') === null) return undefined;
          return rowValues(values, (name) => row.get(name));
        }),
      ),
    );
    const read = rows.filter((r) => r !== undefined);
    const unreadable: RowReject[] = read.flatMap((r, index) =>
      r.problem === undefined ? [] : [{ index, reason: r.problem }],
    );
    return {
      rows: read.map((r) => r.values),
      nextPageState: page.pageState ?? undefined,
      ...(unreadable.length > 0 ? { unreadable } : {}),
    };
  };
}
