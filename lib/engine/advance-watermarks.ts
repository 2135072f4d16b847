import type { Pipeline } from '../pipeline/spec.ts';
import type { InputRecord } from '../records/input-record.ts';
import { type ShardWatermark, shardWatermark } from '../store/watermark.ts';
import { withCompareAndSet } from './compare-and-set.ts';
import type { DecodedEvent } from './decode-event.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';

export class WatermarkUpdateError extends Error {
  constructor(shardId: string) {
    super(`could not advance the watermark of shard ${shardId}: too many concurrent writers`);
    this.name = 'WatermarkUpdateError';
  }
}

/**
 * Records a complete batch on each of its shards' rows, with compare-and-set: the newest event
 * time and the watermark (never backwards), the last record (everything up to it is done: a
 * retry that finds it skips those records) and the time; the shard is active again. `known`
 * (the rows the batch read at its start) saves the first read; a lost compare-and-set (another
 * attempt at this batch, or the tick probing the shard) reads again.
 */
export async function advanceShardWatermarks(
  pipeline: Pipeline,
  records: readonly InputRecord[],
  events: readonly DecodedEvent[],
  ports: EnginePorts,
  settings: EngineSettings,
  known?: readonly ShardWatermark[],
): Promise<void> {
  const newest = new Map<string, { time: number; position: bigint }>();
  for (const record of records) {
    const seen = newest.get(record.shardId);
    if (!seen || record.sequenceNumber > seen.position) {
      newest.set(record.shardId, {
        time: seen?.time ?? Number.NEGATIVE_INFINITY,
        position: record.sequenceNumber,
      });
    }
  }
  for (const e of events) {
    const seen = newest.get(e.record.shardId);
    if (seen) seen.time = Math.max(seen.time, e.time);
  }
  for (const [shardId, batch] of newest) {
    let shards = known;
    const outcome = await withCompareAndSet(async () => {
      const current = shards ?? (await ports.watermarks.readShards());
      shards = undefined;
      const previous = current.find((s) => s.shardId === shardId);
      if (!previous) throw new WatermarkUpdateError(shardId);
      if (previous.position !== undefined && previous.position >= batch.position) {
        return { done: true, value: undefined }; // another attempt at this batch recorded it
      }
      const maxEventTime = Math.max(previous.maxEventTime, batch.time);
      const applied = await ports.watermarks.advanceShard(
        {
          shardId,
          maxEventTime,
          watermark: shardWatermark(maxEventTime, pipeline.lateness.outOfOrderMs),
          lastSeen: settings.now(),
          position: batch.position,
        },
        previous,
      );
      return applied ? { done: true, value: undefined } : { done: false };
    }, settings.retry);
    if (!outcome.applied) throw new WatermarkUpdateError(shardId);
  }
}
