import type { Pipeline } from '../pipeline/spec.ts';
import { isLate, slidingWindowsOf, tumblingWindowOf } from '../windows/index.ts';
import type { TimeRange } from '../windows/window.ts';

/** `key|window|start`: one window of one key. */
export function windowId(key: string, window: string, start: number): string {
  return `${key}|${window}|${start}`;
}

/**
 * How many events each tumbling and sliding window of the pipeline holds, counted from the events
 * themselves, for the windows that are final at `watermark` (the ones the pipeline must show as
 * final, with exactly these counts). Session windows are left out: their bounds depend on gaps.
 */
export function expectedFinalCounts(
  pipeline: Pick<Pipeline, 'windows' | 'lateness'>,
  events: Iterable<{ key: string; ts: number }>,
  watermark: number,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) {
    for (const { name, spec } of pipeline.windows) {
      let ranges: TimeRange[];
      if (spec.kind === 'tumbling') ranges = [tumblingWindowOf(event.ts, spec.size)];
      else if (spec.kind === 'sliding') ranges = slidingWindowsOf(event.ts, spec);
      else continue;
      for (const range of ranges) {
        if (!isLate(range, watermark, pipeline.lateness.allowedMs)) continue;
        const id = windowId(event.key, name, range.start);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    }
  }
  return counts;
}
