import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { SendCounts } from '#lib/kinesis/kinesis-sender';
import type { CallTimeSummary } from './call-timing.ts';
import { startLoad } from './load.ts';
import { freshStream } from './mapping.ts';

export type IngestCeiling = {
  shards: number;
  eventsPerSec: number;
  durationMs: number;
  counts: SendCounts;
  putTimes: CallTimeSummary;
};

/**
 * The local Kinesis' own ceiling: events sent as fast as the sender takes them (no pacing) to an
 * empty stream of `shards` shards that nobody reads, for `durationMs`; the rate it had accepted
 * by then (a real shard takes 1,000 records/s, and the local engine throttles past that).
 * `counts.failed`: records given up on after throttling alone.
 */
export async function measureIngestCeiling(
  kinesis: KinesisClient,
  sending: KinesisClient,
  stream: string,
  shards: number,
  durationMs: number,
): Promise<IngestCeiling> {
  await freshStream(kinesis, stream, shards);
  const result = await startLoad({
    kinesis: sending,
    stream,
    rate: Number.POSITIVE_INFINITY,
    durationMs,
  }).done;
  // Unpaced, the sender keeps a throttled shard busy: a record still throttled after its last
  // attempt is the limit at work (the rate accepted is the figure), anything else a fault.
  if (result.counts.failed > result.throttledOut) {
    throw new Error(
      `Kinesis refused ${result.counts.failed - result.throttledOut} records for good, not by ` +
        `throttling, while measuring its ceiling (${result.firstFailure})`,
    );
  }
  return {
    shards,
    eventsPerSec: (result.acceptedInTime * 1000) / durationMs,
    durationMs,
    counts: result.counts,
    putTimes: result.putTimes,
  };
}
