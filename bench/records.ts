import type { KinesisStreamEvent } from 'aws-lambda';
import { type DecodedEvent, decodeEvent } from '#lib/engine/decode-event';
import { fromKinesisEventRecord } from '#lib/lambda/kinesis-event';
import type { Pipeline } from '#lib/pipeline/spec';
import { seededRandom } from '../test/helpers/event-stream.ts';
import { jsonRecord, type ShardRecord, sequenceNumber } from '../test/helpers/kinesis-events.ts';
import { utcDaysAgo } from '../test/helpers/recent-day.ts';

export const SHARD_ID = 'shardId-000000000000';
/**
 * Noon two days ago (UTC): minute-aligned, so five minutes of events fall into exactly five
 * 1-minute windows, and recent, since records arrive now and may be at most lateness.maxPast
 * behind that.
 */
export const T0 = utcDaysAgo(2) + 12 * 3_600_000;
export const SPAN_MS = 5 * 60_000;
/** Events arrive a little out of order, as they do from real producers. */
const JITTER_MS = 2_000;

export type BenchEvent = { key: string; ts: number; v: number };

/**
 * One shard's batch: `count` events with increasing sequence numbers, keys drawn uniformly from
 * `keys` distinct keys, event times advancing evenly over five minutes with a little jitter.
 */
export function benchEvents(count: number, keys: number, seed = 42): BenchEvent[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const jitter = Math.round((random() - 0.5) * JITTER_MS);
    const ts = Math.min(T0 + SPAN_MS - 1, Math.max(T0, T0 + (i * SPAN_MS) / count + jitter));
    return {
      key: `k${Math.floor(random() * keys)}`,
      ts: Math.floor(ts),
      v: Math.round(random() * 100_000) / 100,
    };
  });
}

export function shardRecords(events: readonly BenchEvent[]): ShardRecord[] {
  return events.map((event, i) => jsonRecord(SHARD_ID, sequenceNumber(0, i), event, event.key));
}

/** The batch decoded as the handler decodes it; a record it would refuse stops the bench. */
export function decodeBatch(pipeline: Pipeline, event: KinesisStreamEvent): DecodedEvent[] {
  return event.Records.map((raw) => {
    const decoded = decodeEvent(pipeline, fromKinesisEventRecord(raw));
    if (!decoded.ok) throw new Error(`bench record not counted: ${decoded.rejected?.reason}`);
    return decoded.event;
  });
}
