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
  if (result.counts.failed > 0) {
    throw new Error(
      `Kinesis refused ${result.counts.failed} records for good while measuring its ceiling ` +
        `(${result.firstFailure})`,
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
