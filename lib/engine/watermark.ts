/** One shard's progress in event time. */
export type ShardWatermark = {
  shardId: string;
  /** Newest event time seen on the shard minus the out-of-order bound. */
  watermark: number;
  maxEventTime: number;
  /** Wall-clock time of the shard's last batch: shards quiet for the idle timeout don't count. */
  lastSeen: number;
  version: bigint;
};

/** No shard has reported: nothing is final yet. */
export const NO_WATERMARK = Number.NEGATIVE_INFINITY;

/** A shard's watermark after seeing events up to `maxEventTime`. */
export function shardWatermark(maxEventTime: number, outOfOrderMs: number): number {
  return maxEventTime - outOfOrderMs;
}

/**
 * The pipeline's watermark: the minimum over the shards that are not idle, so the slowest active
 * shard holds event time back. When every shard is idle nothing is in flight, and the newest
 * watermark counts (so the last windows of a stream that went quiet still close).
 */
export function pipelineWatermark(
  shards: readonly ShardWatermark[],
  now: number,
  idleTimeoutMs: number,
): number {
  if (shards.length === 0) return NO_WATERMARK;
  const active = shards.filter((s) => s.lastSeen >= now - idleTimeoutMs);
  if (active.length === 0) return Math.max(...shards.map((s) => s.watermark));
  return Math.min(...active.map((s) => s.watermark));
}

/**
 * The newest event time this batch's shards had folded in before it. A window or pane starting
 * after it has no row yet unless another shard wrote one first, so it is inserted without a read.
 */
export function shardsSeenUpTo(
  shards: readonly ShardWatermark[],
  records: readonly { shardId: string }[],
) {
  const ids = new Set(records.map((r) => r.shardId));
  let seen = Number.NEGATIVE_INFINITY;
  for (const s of shards) if (ids.has(s.shardId)) seen = Math.max(seen, s.maxEventTime);
  return seen;
}
