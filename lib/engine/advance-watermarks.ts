import type { Pipeline } from '../pipeline/spec.ts';
import { withCompareAndSet } from './compare-and-set.ts';
import type { DecodedEvent } from './decode-event.ts';
import type { InputRecord } from './input-record.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';
import { type ShardWatermark, shardWatermark } from './watermark.ts';

export class WatermarkUpdateError extends Error {
  constructor(shardId: string) {
    super(`could not advance the watermark of shard ${shardId}: too many concurrent writers`);
    this.name = 'WatermarkUpdateError';
  }
}

/**
 * Moves each shard's watermark forward to its newest event time minus the out-of-order bound
 * (never backwards) and marks the shard as seen now, with compare-and-set. `known` (the shard
 * rows the batch read at its start) saves the first read; a lost compare-and-set reads again.
 */
export async function advanceShardWatermarks(
  pipeline: Pipeline,
  records: readonly InputRecord[],
  events: readonly DecodedEvent[],
  ports: EnginePorts,
  settings: EngineSettings,
  known?: readonly ShardWatermark[],
): Promise<void> {
  const newest = new Map<string, number>();
  for (const record of records) newest.set(record.shardId, Number.NEGATIVE_INFINITY);
  for (const e of events) {
    newest.set(e.record.shardId, Math.max(newest.get(e.record.shardId) ?? e.time, e.time));
  }
  for (const [shardId, maxTime] of newest) {
    let shards = known;
    const outcome = await withCompareAndSet(async () => {
      const current = shards ?? (await ports.watermarks.readShards());
      shards = undefined;
      const previous = current.find((s) => s.shardId === shardId);
      const maxEventTime = Math.max(previous?.maxEventTime ?? Number.NEGATIVE_INFINITY, maxTime);
      const applied = await ports.watermarks.advanceShard(
        {
          shardId,
          maxEventTime,
          watermark: shardWatermark(maxEventTime, pipeline.lateness.outOfOrderMs),
          lastSeen: settings.now(),
        },
        previous,
      );
      return applied ? { done: true, value: undefined } : { done: false };
    }, settings.retry);
    if (!outcome.applied) throw new WatermarkUpdateError(shardId);
  }
}
