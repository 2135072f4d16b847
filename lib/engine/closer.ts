import type { Pipeline } from '../pipeline/spec.ts';
import { pipelineWatermark } from '../store/watermark.ts';
import type { CloserCursor } from '../store/watermark-store.ts';
import { type IndexedWindow, indexBucketOf } from '../store/window-index.ts';
import { closeEntries } from './close-window.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';

export type CloserRun = {
  /** The pipeline's watermark this run claimed up to (or found claimed already). */
  watermark: number;
  /** Windows this run made final (two closers racing over a range may both count one). */
  finalized: number;
  visited: number;
  casRetries: number;
  /** False when the run stopped at its limit (closesAllowed); the next run goes on from `done`. */
  complete: boolean;
  /** Claims lost to another closer before this run's own claim (or its reading) held. */
  claimRetries: number;
};

/**
 * A closer after a batch: at most `closes` windows, unless `done` trails the claim by more than
 * `unlessBehindMs` of event time; then, as without a budget, up to `maxClosesPerRun`.
 */
export type CloseBudget = { closes: number; unlessBehindMs: number };

export class ClaimError extends Error {
  constructor() {
    super("could not claim the closer's range: too many concurrent closers");
    this.name = 'ClaimError';
  }
}

/** Due entries read from the open index per page, and pages closing at once. */
const PAGE = 500;
const PAGES_IN_FLIGHT = 3;
const CLAIM_ATTEMPTS = 8;

/**
 * Makes final every window that closes at or before the pipeline's watermark. Safe to run at any
 * time, concurrently with batches and with itself (after every batch, and on the tick):
 * 1. Claim: read the cursor, then the shards, and move `claimed` up to their watermark with a
 *    compare-and-set on the cursor's version; a lost claim reads both again. (A shard that starts
 *    counting again bumps the cursor's version after its change, so a claim made from shards read
 *    before that change cannot succeed: see own-shard.ts.)
 * 2. Close what is claimed and not done, walking the open index hour by hour from `done`.
 * 3. Record `done` (never backwards), unless the run stopped early.
 */
export async function closeDueWindows(
  pipeline: Pipeline,
  ports: EnginePorts,
  settings: EngineSettings,
  budget?: CloseBudget,
): Promise<CloserRun> {
  const { cursor, watermark, claimRetries } = await claim(ports);
  const run: CloserRun = {
    watermark,
    finalized: 0,
    visited: 0,
    casRetries: 0,
    complete: true,
    claimRetries,
  };
  if (!cursor || !Number.isFinite(cursor.claimed) || cursor.claimed <= cursor.done) return run;
  const target = cursor.claimed;
  const limit = closesAllowed(cursor, settings, budget);
  // Everything up to the last complete run's end was closed then: start there, not at the hour.
  const first = Number.isFinite(cursor.done)
    ? indexBucketOf(cursor.done)
    : await ports.index.lowestOpenBucket();
  if (first !== undefined) {
    await closeRange(pipeline, first, cursor.done, target, limit, run, ports, settings);
    if (!run.complete) return run;
  }
  await recordDone(ports, cursor, target);
  return run;
}

async function claim(ports: EnginePorts) {
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    const cursor = await ports.watermarks.readCursor();
    const watermark = pipelineWatermark(await ports.watermarks.readShards());
    if (!Number.isFinite(watermark) || (cursor && cursor.claimed >= watermark)) {
      return { cursor, watermark, claimRetries: attempt };
    }
    const next = { claimed: watermark, done: cursor?.done ?? Number.NEGATIVE_INFINITY };
    if (await ports.watermarks.moveCursor(next, cursor)) {
      return {
        cursor: { ...next, version: (cursor?.version ?? 0n) + 1n },
        watermark,
        claimRetries: attempt,
      };
    }
  }
  throw new ClaimError();
}

/** Windows this run may make final: a budget holds only while the closer keeps up. */
function closesAllowed(cursor: CloserCursor, settings: EngineSettings, budget?: CloseBudget) {
  if (!budget || cursor.claimed - cursor.done > budget.unlessBehindMs) {
    return settings.maxClosesPerRun;
  }
  return Math.max(1, Math.min(budget.closes, settings.maxClosesPerRun));
}

async function closeRange(
  pipeline: Pipeline,
  first: number,
  from: number,
  target: number,
  limit: number,
  run: CloserRun,
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<void> {
  // The next page is read while the last ones close: pages are disjoint.
  const closing: Promise<void>[] = [];
  const close = async (due: IndexedWindow[]) => {
    const closed = await closeEntries(pipeline, due, target, ports, settings);
    run.finalized += closed.finalized;
    run.casRetries += closed.casRetries;
  };
  try {
    for (let bucket = first; bucket <= indexBucketOf(target); bucket++) {
      for await (const page of ports.index.duePages(bucket, from, target, Math.min(PAGE, limit))) {
        if (run.visited >= limit) {
          run.complete = false;
          break;
        }
        // A page cut short is still a run of the index in order (dropClosedPage deletes a range).
        const due = page.slice(0, limit - run.visited);
        run.visited += due.length;
        const closed = close(due);
        closed.catch(() => {}); // handled where it is awaited; not an unhandled rejection meanwhile
        closing.push(closed);
        if (due.length < page.length) {
          run.complete = false;
          break;
        }
        if (closing.length >= PAGES_IN_FLIGHT) await closing.shift();
      }
      if (!run.complete) break;
    }
  } finally {
    await Promise.all(closing);
  }
}

/** Moves `done` up to `target` with compare-and-set, unless another closer got further. */
async function recordDone(ports: EnginePorts, known: CloserCursor, target: number) {
  let cursor: CloserCursor | undefined = known;
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS && cursor && cursor.done < target; attempt++) {
    if (await ports.watermarks.moveCursor({ claimed: cursor.claimed, done: target }, cursor)) {
      return;
    }
    cursor = await ports.watermarks.readCursor();
  }
}
