import { DurationError, parseDuration } from '../pipeline/duration.ts';
import type { TimeRange, WindowSpec } from './window.ts';

export type { TimeRange, WindowSpec } from './window.ts';

/** floor(t / size) * size, correct for negative times too. */
function alignDown(t: number, size: number): number {
  return Math.floor(t / size) * size;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The tumbling window [start, start + size) that holds `t`, aligned to the epoch (UTC). */
export function tumblingWindowOf(t: number, size: number): TimeRange {
  const start = alignDown(t, size);
  return { start, end: start + size };
}

/** Sliding windows are kept as panes of gcd(size, slide): every window is a run of whole panes. */
export function paneLength(spec: { size: number; slide: number }): number {
  return gcd(spec.size, spec.slide);
}

export function paneOf(t: number, spec: { size: number; slide: number }): TimeRange {
  const length = paneLength(spec);
  const start = alignDown(t, length);
  return { start, end: start + length };
}

/** Every sliding window [s, s + size), s a multiple of slide, that holds `t`, ascending. */
export function slidingWindowsOf(t: number, spec: { size: number; slide: number }): TimeRange[] {
  const windows: TimeRange[] = [];
  const last = alignDown(t, spec.slide);
  for (let start = last; start > t - spec.size; start -= spec.slide) {
    windows.unshift({ start, end: start + spec.size });
  }
  return windows;
}

/** The windows a pane belongs to: those holding its first millisecond (panes never straddle). */
export function windowsContainingPane(
  pane: TimeRange,
  spec: { size: number; slide: number },
): TimeRange[] {
  return slidingWindowsOf(pane.start, spec);
}

/** The panes whose union is exactly `window`. */
export function panesOfWindow(
  window: TimeRange,
  spec: { size: number; slide: number },
): TimeRange[] {
  const length = paneLength(spec);
  const panes: TimeRange[] = [];
  for (let start = window.start; start < window.end; start += length) {
    panes.push({ start, end: start + length });
  }
  return panes;
}

/** When a window becomes final: once the watermark reaches its end plus the allowed lateness. */
export function closeTime(range: TimeRange, allowedLatenessMs: number): number {
  return range.end + allowedLatenessMs;
}

/** True when the window is final at `watermark`, so it takes no more events. */
export function isLate(range: TimeRange, watermark: number, allowedLatenessMs: number): boolean {
  return closeTime(range, allowedLatenessMs) <= watermark;
}

/** A session: [first event, last event + gap), with its folded value. */
export type Session<T> = { start: number; end: number; value: T };

/**
 * Adds an event at `t` to a key's sessions: it forms [t, t + gap) and merges with every session
 * it overlaps or touches (Flink's rule), which may bridge several into one. Returns a new sorted
 * list; `merge` must be associative and commutative.
 */
export function addToSessions<T>(
  sessions: readonly Session<T>[],
  t: number,
  gap: number,
  value: T,
  merge: (a: T, b: T) => T,
): Session<T>[] {
  let merged: Session<T> = { start: t, end: t + gap, value };
  let rest = [...sessions];
  // Growing the session can make it touch ones it did not touch before: repeat until stable.
  for (;;) {
    const touching = rest.filter((s) => s.start <= merged.end && s.end >= merged.start);
    if (touching.length === 0) break;
    for (const s of touching) {
      merged = {
        start: Math.min(s.start, merged.start),
        end: Math.max(s.end, merged.end),
        value: merge(s.value, merged.value),
      };
    }
    rest = rest.filter((s) => !touching.includes(s));
  }
  return [...rest, merged].sort((a, b) => a.start - b.start);
}

/** A stable short name for a window, used in rows and queries: 'tumbling_1m', 'session_30s'. */
export function windowName(spec: WindowSpec): string {
  const d = (ms: number) => formatMs(ms);
  if (spec.kind === 'tumbling') return `tumbling_${d(spec.size)}`;
  if (spec.kind === 'sliding') return `sliding_${d(spec.size)}_${d(spec.slide)}`;
  return `session_${d(spec.gap)}`;
}

function formatMs(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** A tumbling window of `size` ('1m', '1h', or ms). */
export function tumbling(size: string | number): WindowSpec {
  return { kind: 'tumbling', size: parseDuration(size, 'tumbling(size)') };
}

/** A sliding window of `size`, starting every `slide`. */
export function sliding(size: string | number, slide: string | number): WindowSpec {
  const spec = {
    kind: 'sliding' as const,
    size: parseDuration(size, 'sliding(size)'),
    slide: parseDuration(slide, 'sliding(slide)'),
  };
  if (spec.slide > spec.size) {
    throw new DurationError(`sliding(size, slide): slide must not exceed size`);
  }
  if (spec.size / paneLength(spec) > 10_000) {
    throw new DurationError(
      'sliding(size, slide): more than 10,000 panes per window; choose a slide that divides size',
    );
  }
  return spec;
}

/** A session window: a key's events less than `gap` apart form one session. */
export function session(gap: string | number): WindowSpec {
  return { kind: 'session', gap: parseDuration(gap, 'session(gap)') };
}
