import type { Pipeline } from '../pipeline/spec.ts';
import { indexBucketOf } from '../store/window-index.ts';
import { type CloseResult, closeWindow } from './close-window.ts';
import { mapWithConcurrency } from './concurrency.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';

export type CloserRun = {
  finalized: number;
  visited: number;
  casRetries: number;
  complete: boolean;
  /** When complete: every window indexed before the run with closeAt in [from, through] is closed. */
  covered?: { from: number; through: number };
};

/**
 * Makes final every window that closes at or before `watermark`. It first claims the range in
 * the cursor (so a handler that opens a window in it closes that window itself), then walks the
 * open index hour by hour from where the last complete run ended, and records how far it got.
 */
export async function closeDueWindows(
  pipeline: Pipeline,
  watermark: number,
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<CloserRun> {
  const run: CloserRun = { finalized: 0, visited: 0, casRetries: 0, complete: true };
  if (!Number.isFinite(watermark)) return run;
  let cursor = await ports.watermarks.readCursor();
  if (!cursor || cursor.claimed < watermark) {
    const done = cursor?.done ?? Number.NEGATIVE_INFINITY;
    await ports.watermarks.moveCursor({ claimed: watermark, done }, cursor);
    cursor = await ports.watermarks.readCursor();
    if (!cursor) return run;
  }
  const target = Math.min(cursor.claimed, watermark);
  // Everything up to the last complete run's end was closed then: start there, not at the hour.
  let from = cursor.done;
  const first = Number.isFinite(cursor.done)
    ? indexBucketOf(cursor.done)
    : await ports.index.lowestOpenBucket();
  if (first === undefined) {
    await ports.watermarks.moveCursor({ claimed: cursor.claimed, done: target }, cursor);
    return run;
  }
  for (let bucket = first; bucket <= indexBucketOf(target); bucket++) {
    for (;;) {
      const room = settings.maxClosesPerRun - run.visited;
      if (room <= 0) return { ...run, complete: false };
      const due = await ports.index.dueInBucket(bucket, from, target, Math.min(room, 500));
      if (due.length === 0) break;
      from = Math.max(from, ...due.map((entry) => entry.closeAt));
      const results: CloseResult[] = await mapWithConcurrency(due, settings.concurrency, (entry) =>
        closeWindow(pipeline, entry, target, ports, settings),
      );
      for (const result of results) {
        run.visited++;
        run.finalized += result.finalized;
        run.casRetries += result.casRetries;
      }
    }
  }
  // Losing this compare-and-set only means another closer recorded its own progress.
  await ports.watermarks.moveCursor({ claimed: cursor.claimed, done: target }, cursor);
  return { ...run, covered: { from: cursor.done, through: target } };
}
