import type { Pipeline } from '../pipeline/spec.ts';
import type { CloserCursor } from '../store/watermark-store.ts';
import { type IndexedWindow, indexBucketOf } from '../store/window-index.ts';
import { closeEntries } from './close-window.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';
import { heldBelow } from './write-hold.ts';

export type CloserRun = {
  /** Windows this run made final (two closers racing over a range may both count one). */
  finalized: number;
  visited: number;
  casRetries: number;
  complete: boolean;
  /** Where a batch still writing held the run back (the lowest close time it may write). */
  heldAt?: number;
};

/** Due entries read from the open index per page, and pages closing at once. */
const PAGE = 500;
const PAGES_IN_FLIGHT = 3;

/**
 * Makes final every window that closes at or before `watermark`. It first claims the range in
 * the cursor (a batch that starts after the claim treats those windows' events as late), then
 * reads the write holds, and stops below any batch that may still write (the order matters: see
 * WriteHolds). It walks the open index hour by hour from where the last complete run ended, and
 * records how far it got. `known`: the cursor as the batch last read it, tried before a read
 * (a stale one only loses its compare-and-set).
 */
export async function closeDueWindows(
  pipeline: Pipeline,
  watermark: number,
  ports: EnginePorts,
  settings: EngineSettings,
  known?: CloserCursor,
): Promise<CloserRun> {
  const run: CloserRun = { finalized: 0, visited: 0, casRetries: 0, complete: true };
  if (!Number.isFinite(watermark)) return run;
  let cursor = known ?? (await ports.watermarks.readCursor());
  if (!cursor || cursor.claimed < watermark) {
    const next = { claimed: watermark, done: cursor?.done ?? Number.NEGATIVE_INFINITY };
    const claimed = await ports.watermarks.moveCursor(next, cursor);
    cursor = claimed
      ? { ...next, version: (cursor?.version ?? 0n) + 1n }
      : await ports.watermarks.readCursor();
    if (!cursor) return run;
  }
  const holds = await ports.holds.list();
  const now = settings.now();
  await Promise.all(holds.filter((h) => h.expiresAt < now).map((h) => ports.holds.release(h.id)));
  const held = heldBelow(holds, now);
  const target = Math.min(cursor.claimed, watermark, held);
  if (held < Math.min(cursor.claimed, watermark)) run.heldAt = held + 1;
  if (target <= cursor.done) return run;
  // Everything up to the last complete run's end was closed then: start there, not at the hour.
  const first = Number.isFinite(cursor.done)
    ? indexBucketOf(cursor.done)
    : await ports.index.lowestOpenBucket();
  if (first === undefined) {
    await ports.watermarks.moveCursor({ claimed: cursor.claimed, done: target }, cursor);
    return run;
  }
  // The next page is read while the last ones close: pages are disjoint.
  const closing: Promise<void>[] = [];
  const close = async (due: IndexedWindow[]) => {
    const closed = await closeEntries(pipeline, due, target, ports, settings);
    run.finalized += closed.finalized;
    run.casRetries += closed.casRetries;
  };
  try {
    for (let bucket = first; bucket <= indexBucketOf(target); bucket++) {
      for await (const due of ports.index.duePages(bucket, cursor.done, target, PAGE)) {
        if (run.visited >= settings.maxClosesPerRun) {
          run.complete = false;
          break;
        }
        run.visited += due.length;
        const closed = close(due);
        closed.catch(() => {}); // handled where it is awaited; not an unhandled rejection meanwhile
        closing.push(closed);
        if (closing.length >= PAGES_IN_FLIGHT) await closing.shift();
      }
      if (!run.complete) break;
    }
  } finally {
    await Promise.all(closing);
  }
  if (!run.complete) return run;
  // Losing this compare-and-set only means another closer recorded its own progress.
  await ports.watermarks.moveCursor({ claimed: cursor.claimed, done: target }, cursor);
  return run;
}
