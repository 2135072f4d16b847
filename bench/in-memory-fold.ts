import type { KinesisStreamEvent } from 'aws-lambda';
import { type DecodedEvent, decodeEvent } from '#lib/engine/decode-event';
import { planBatch } from '#lib/engine/plan-batch';
import { encodeRow, rowResults } from '#lib/engine/row-accumulator';
import { fromKinesisEventRecord } from '#lib/lambda/kinesis-event';
import type { Pipeline } from '#lib/pipeline/spec';
import { median } from './stats.ts';

export type FoldRates = {
  /** Group into rows and fold the aggregates, from already decoded events. */
  foldEventsPerSec: number;
  /** The handler's whole CPU path: base64 + JSON decode, validate, plan and fold, encode rows. */
  cpuPathEventsPerSec: number;
};

/** Runs `fn` for `ms` milliseconds at least (and `min` times), returning each run's time. */
function timeRuns(fn: () => void, ms: number, min: number): number[] {
  const times: number[] = [];
  const until = performance.now() + ms;
  while (times.length < min || performance.now() < until) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times;
}

/** Median events/s of `fn`, after half a second of untimed runs so the JIT has optimized it. */
function rate(events: number, fn: () => void): number {
  timeRuns(fn, 500, 3);
  return (events / median(timeRuns(fn, 1000, 10))) * 1000;
}

function decodeAll(pipeline: Pipeline, event: KinesisStreamEvent, now: number): DecodedEvent[] {
  return event.Records.map((raw) => {
    const decoded = decodeEvent(pipeline, fromKinesisEventRecord(raw), now);
    if (!decoded.ok) throw new Error(`bench record rejected: ${decoded.rejected.reason}`);
    return decoded.event;
  });
}

/** The upper bound: the same records folded with the pure aggregates, no I/O at all. */
export function inMemoryFoldRates(pipeline: Pipeline, event: KinesisStreamEvent): FoldRates {
  const now = Date.now();
  const decoded = decodeAll(pipeline, event, now);
  const noWatermark = Number.NEGATIVE_INFINITY;
  const foldEventsPerSec = rate(decoded.length, () => {
    planBatch(pipeline, decoded, noWatermark);
  });
  const cpuPathEventsPerSec = rate(decoded.length, () => {
    const plan = planBatch(pipeline, decodeAll(pipeline, event, now), noWatermark);
    for (const row of plan.rows) {
      rowResults(pipeline.aggregates, row.combined);
      encodeRow(pipeline.aggregates, row.combined);
    }
  });
  return { foldEventsPerSec, cpuPathEventsPerSec };
}
