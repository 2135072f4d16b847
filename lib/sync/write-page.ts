import { inChunks } from '../store/in-chunks.ts';
import type { RowReject } from './sync-rejects.ts';
import { type SyncPage, type SyncRow, type SyncTarget, SyncTargetError } from './target.ts';

/** How many single-row writes are in flight while a refused page is sorted out. */
const SINGLES_IN_FLIGHT = 8;

export type PageWritten = { written: number; rejected: (RowReject & { row: SyncRow })[] };

/** The target's words for why it refused a row, if the error says a row was at fault. */
function rowFault(error: unknown): string | undefined {
  return error instanceof SyncTargetError ? error.rowFault : undefined;
}

/**
 * Writes a page to the target without the rows it cannot take: those the reader could not
 * read (`unreadable`), those the target's own checks refuse, and, when the page is refused for
 * a row's fault anyway, those that are refused again when the page's rows are sent one at a
 * time. Any other failure (the target down, a connection lost) fails the write as before.
 */
export async function writePage(
  target: SyncTarget,
  page: SyncPage,
  unreadable: readonly RowReject[] = [],
): Promise<PageWritten> {
  const reasons = new Map(unreadable.map((r) => [r.index, r.reason]));
  page.rows.forEach((row, index) => {
    const reason = reasons.has(index) ? undefined : target.reject?.(row);
    if (reason !== undefined) reasons.set(index, reason);
  });
  const kept = () =>
    page.rows.flatMap((row, index) => (reasons.has(index) ? [] : [{ row, index }]));
  let written = 0;
  try {
    // The page goes out even when nothing is left of it: S3 must replace what a replay wrote.
    written = await target.write(
      reasons.size === 0 ? page : { ...page, rows: kept().map((k) => k.row) },
    );
  } catch (error) {
    if (rowFault(error) === undefined) throw error;
    written = 0;
    await inChunks(SINGLES_IN_FLIGHT, kept(), async ({ row, index }) => {
      try {
        const one = await target.write({ ...page, rows: [row] });
        written += one; // after the await: `written += await` would add to a stale sum
      } catch (single) {
        const reason = rowFault(single);
        if (reason === undefined) throw single;
        reasons.set(index, reason);
      }
    });
  }
  const rejected = [...reasons]
    .map(([index, reason]) => ({ index, reason, row: page.rows[index] ?? {} }))
    .sort((a, b) => a.index - b.index);
  return { written, rejected };
}
