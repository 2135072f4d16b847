import { alignDown, floorMod, gcd } from './align.ts';
import { WindowRangeError } from './errors.ts';
import { slidingWindowsOf } from './sliding.ts';
import type { SlideShape, TimeRange } from './window.ts';

/**
 * The pane length of a sliding window: gcd(size, slide). Every window boundary is a multiple of
 * it, so each event is stored once in its pane and each window is a run of whole panes, instead
 * of writing the event into all size / slide windows.
 */
export function paneLength(spec: SlideShape): number {
  return gcd(spec.size, spec.slide);
}

/** The epoch-aligned pane [start, start + paneLength) holding event time `t`. */
export function paneOf(t: number, spec: SlideShape): TimeRange {
  const length = paneLength(spec);
  const start = alignDown(t, length);
  return { start, end: start + length };
}

/**
 * The sliding windows a pane belongs to, ascending. A pane never straddles a window boundary, so
 * these are the windows holding its first millisecond. There is always at least one.
 *
 * @throws WindowRangeError when `pane` is not a pane of `spec`.
 */
export function windowsContainingPane(pane: TimeRange, spec: SlideShape): TimeRange[] {
  const length = paneLength(spec);
  if (pane.end - pane.start !== length || floorMod(pane.start, length) !== 0) {
    throw new WindowRangeError(
      `[${pane.start}, ${pane.end}) is not a pane of a ${spec.size} ms window sliding by ${spec.slide} ms (panes are ${length} ms, epoch-aligned)`,
    );
  }
  return slidingWindowsOf(pane.start, spec);
}

/**
 * The panes whose union is exactly `window`, ascending: size / paneLength of them.
 *
 * @throws WindowRangeError when `window` is not a window of `spec`.
 */
export function panesOfWindow(window: TimeRange, spec: SlideShape): TimeRange[] {
  if (window.end - window.start !== spec.size || floorMod(window.start, spec.slide) !== 0) {
    throw new WindowRangeError(
      `[${window.start}, ${window.end}) is not a window of ${spec.size} ms sliding by ${spec.slide} ms`,
    );
  }
  const length = paneLength(spec);
  const panes: TimeRange[] = [];
  for (let start = window.start; start < window.end; start += length) {
    panes.push({ start, end: start + length });
  }
  return panes;
}
