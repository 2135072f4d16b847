import type { KinesisStreamEvent } from 'aws-lambda';
import { seededRandom } from '../test/helpers/event-stream.ts';
import { jsonRecord, kinesisEvent, sequenceNumber } from '../test/helpers/kinesis-events.ts';
import { type BenchEvent, SHARD_ID, T0 } from './records.ts';

/** Where the steady batches' event times start, and how far each batch moves on. */
const STEADY_FROM_MS = 5_000;
const BATCH_SPAN_MS = 10_000;

/**
 * The batches of a steady state on one shard: a first batch that writes one event per key, then
 * `batches` batches of `records` events over the same keys, every event in the same 1-minute
 * window [T0, T0 + 1m), so each batch updates rows that exist and closes nothing.
 */
export type SteadyBatches = { first: KinesisStreamEvent; steady: KinesisStreamEvent[] };

export function steadyBatches(
  keys: number,
  records: number,
  batches: number,
  seed = 7,
): SteadyBatches {
  if (STEADY_FROM_MS + batches * BATCH_SPAN_MS > 55_000) {
    throw new Error(`steady batches: ${batches} batches do not fit in one window`);
  }
  const random = seededRandom(seed);
  const value = () => Math.round(random() * 100_000) / 100;
  const first = Array.from(
    { length: keys },
    (_, i): BenchEvent => ({ key: `k${i}`, ts: T0 + Math.floor((i * 4_000) / keys), v: value() }),
  );
  let position = 0;
  const eventOf = (events: readonly BenchEvent[]) =>
    kinesisEvent(events.map((e) => jsonRecord(SHARD_ID, sequenceNumber(0, position++), e, e.key)));
  const firstEvent = eventOf(first);
  const steady = Array.from({ length: batches }, (_, b) => {
    const from = T0 + STEADY_FROM_MS + b * BATCH_SPAN_MS;
    return eventOf(
      Array.from({ length: records }, (_, i) => ({
        key: `k${Math.floor(random() * keys)}`,
        ts: from + Math.floor((i * BATCH_SPAN_MS) / records),
        v: value(),
      })),
    );
  });
  return { first: firstEvent, steady };
}
