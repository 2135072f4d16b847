import { alignDown } from './align.ts';
import type { SlideShape, TimeRange } from './window.ts';

/**
 * Every sliding window [s, s + size), s an epoch-aligned multiple of `slide`, that holds `t`,
 * ascending by start. That is ceil(size / slide) or floor(size / slide) windows depending on
 * where `t` falls, exactly size / slide when slide divides size.
 */
export function slidingWindowsOf(t: number, spec: SlideShape): TimeRange[] {
  const windows: TimeRange[] = [];
  // Starts lie in (t - size, t]: walk down from the last one, then put them in order.
  for (let start = alignDown(t, spec.slide); start > t - spec.size; start -= spec.slide) {
    windows.push({ start, end: start + spec.size });
  }
  return windows.reverse();
}
