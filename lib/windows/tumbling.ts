import { alignDown } from './align.ts';
import type { TimeRange } from './window.ts';

/**
 * The tumbling window [start, start + size) holding event time `t`, aligned to the epoch
 * (1970-01-01T00:00Z), so a 7m window starts at multiples of 7 minutes since the epoch, not at
 * the top of each hour. Negative `t` (before 1970) works too.
 */
export function tumblingWindowOf(t: number, size: number): TimeRange {
  const start = alignDown(t, size);
  return { start, end: start + size };
}
