import type { Pipeline } from '../pipeline/spec.ts';
import type { WriteHold } from '../store/write-holds.ts';
import { closeTime } from '../windows/index.ts';
import type { RowPlan } from './plan-batch.ts';

/**
 * The earliest close time among the windows a batch's rows may write: a window or pane row's
 * open windows; for a session row, the session its earliest event would start (a stored session
 * it merges with may close earlier, but session rows guard that themselves: see closeSessions).
 */
export function lowestCloseOf(pipeline: Pipeline, rows: readonly RowPlan[]): number {
  const allowed = pipeline.lateness.allowedMs;
  let lowest = Number.POSITIVE_INFINITY;
  for (const row of rows) {
    if (row.ref.kind === 'sessions') {
      const spec = pipeline.windows.find((w) => w.name === row.ref.windowName)?.spec;
      const gap = spec?.kind === 'session' ? spec.gap : 0;
      for (const e of row.events) lowest = Math.min(lowest, e.time + gap + allowed);
    } else {
      for (const w of row.opens) lowest = Math.min(lowest, closeTime(w, allowed));
    }
  }
  return lowest;
}

/**
 * How far the closer may go while these holds stand: just below the lowest close time an
 * unexpired hold may still write. Expired holds (a batch that died) no longer count.
 */
export function heldBelow(holds: readonly WriteHold[], now: number): number {
  let lowest = Number.POSITIVE_INFINITY;
  for (const h of holds) if (h.expiresAt >= now) lowest = Math.min(lowest, h.lowestCloseAt);
  return lowest - 1;
}
