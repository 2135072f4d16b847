import type { WindowSpec } from '../windows/window.ts';
/**
 * Which state row a contribution goes to. A window's rows: `window` rows hold a tumbling window
 * or a final sliding/session window; `pane` rows hold one slice of a sliding window (windows are
 * assembled from panes when they close, so an event costs one write, not size/slide writes);
 * the `sessions` row holds a key's open sessions of one session window.
 */
export type RowKind = 'window' | 'pane' | 'sessions';

export type RowRef = {
  kind: RowKind;
  key: string;
  /** The value of the `window` column: the window's name, or name#panes / name#open. */
  window: string;
  /** The pipeline window (spec) this row belongs to. */
  windowName: string;
  start: number;
  end: number;
  bucket: number;
};

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Window rows per partition at most (about): keeps partitions far below Cassandra's limits. */
const ROWS_PER_PARTITION = 1000;

export function paneRowName(windowName: string): string {
  return `${windowName}#panes`;
}

export function sessionsRowName(windowName: string): string {
  return `${windowName}#open`;
}

/** The partition bucket of a row that starts at `start` and spans `length` ms. */
export function bucketOf(start: number, length: number): number {
  return Math.floor(start / (length * ROWS_PER_PARTITION));
}

/** Session rows start anywhere: they are bucketed by UTC day. */
export function sessionBucketOf(start: number): number {
  return Math.floor(start / DAY);
}

/** The open/closed window indexes are partitioned by the hour of the close time. */
export function closeBucketOf(closeAt: number): number {
  return Math.floor(closeAt / HOUR);
}

export const CLOSE_BUCKET_MS = HOUR;

export function rowId(row: Pick<RowRef, 'key' | 'window' | 'start'>): string {
  return `${row.window}\u0000${row.key}\u0000${row.start}`;
}

/** The partition bucket of a final window's row: where close-window, close-sliding and close-sessions put it. */
export function finalRowBucket(spec: WindowSpec, start: number): number {
  if (spec.kind === 'tumbling') return bucketOf(start, spec.size);
  if (spec.kind === 'sliding') return bucketOf(start, spec.slide);
  return sessionBucketOf(start);
}
