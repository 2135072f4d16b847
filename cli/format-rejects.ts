import type { RecordedReject } from '#lib/sync/read-rejects';
import { printableCell } from './printable.ts';

const REASON_WIDTH = 120;
const ROW_WIDTH = 200;

function cut(text: string, width: number): string {
  const shown = printableCell(text);
  return shown.length > width ? `${shown.slice(0, width - 1)}…` : shown;
}

/**
 * One line of `sync --rejects`: when, the source row's primary key, the reason, then the start
 * of the row and its full size. Every cell is escaped: rows come from user data.
 */
export function rejectLine(reject: RecordedReject): string {
  return [
    new Date(reject.recordedAt).toISOString(),
    cut(reject.primaryKey, ROW_WIDTH),
    cut(reject.reason, REASON_WIDTH),
    `${cut(reject.row, ROW_WIDTH)} (${reject.rowBytes.toLocaleString('en-US')} B)`,
  ].join('\t');
}
