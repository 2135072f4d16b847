import type { TimeRange } from './window.ts';

/**
 * The watermark at which a window becomes final: end + allowed lateness. The watermark is the
 * event time below which no more events are expected, so at watermark ≥ end the window's last
 * millisecond (end − 1) is complete; allowed lateness keeps it open that much longer.
 */
export function closeTime(range: TimeRange, allowedLatenessMs: number): number {
  return range.end + allowedLatenessMs;
}

/**
 * True when `range` is final at `watermark` (watermark ≥ closeTime), so an event that falls in
 * it is late and must not change it. Never true for a watermark of −Infinity (none yet).
 */
export function isLate(range: TimeRange, watermark: number, allowedLatenessMs: number): boolean {
  return watermark >= closeTime(range, allowedLatenessMs);
}
