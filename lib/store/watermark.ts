/**
 * Whether a shard counts in the pipeline's watermark. `active`: it does. `probing`: it still does,
 * while the tick asks Kinesis whether anything is left to read on it. `idle`: nothing was left to
 * read and no batch came since, so it no longer holds the watermark back.
 */
export type ShardState = 'active' | 'probing' | 'idle';

/** One shard's progress in event time. */
export type ShardWatermark = {
  shardId: string;
  /** Newest event time seen on the shard minus the out-of-order bound. */
  watermark: number;
  maxEventTime: number;
  /** Wall-clock time of the shard's last batch (or of its registration). */
  lastSeen: number;
  /** The last record of the shard's last complete batch: everything up to it is done. */
  position?: bigint;
  state: ShardState;
  version: bigint;
  /** Single-writer pipelines: the write timestamp (µs) of the shard's last claim, and who made it. */
  claim?: ShardClaim;
};

/**
 * A batch's claim on its shard (docs/single-writer.md): its write timestamp, its container, and
 * the newest event time any shard of the pipeline had recorded by then (carried from claim to
 * claim, so it outlives a retired parent): a row starting after it has no writer yet.
 */
export type ShardClaim = { timestamp: bigint; claimer: string; seenUpTo: number };

/** No shard has reported: nothing is final yet. */
export const NO_WATERMARK = Number.NEGATIVE_INFINITY;

/** A shard's watermark after seeing events up to `maxEventTime`. */
export function shardWatermark(maxEventTime: number, outOfOrderMs: number): number {
  return maxEventTime - outOfOrderMs;
}

/**
 * The pipeline's watermark: the minimum over the shards that count (not idle), so the slowest
 * shard with anything left to read holds event time back. A shard that is failing, retrying or
 * throttled still has records to read, so it is never idle. When every shard is idle nothing is
 * in flight, and the newest watermark counts (so the last windows of a stream that went quiet
 * still close).
 */
export function pipelineWatermark(shards: readonly ShardWatermark[]): number {
  if (shards.length === 0) return NO_WATERMARK;
  let counted = Number.POSITIVE_INFINITY;
  let newest = Number.NEGATIVE_INFINITY;
  for (const s of shards) {
    if (s.state !== 'idle') counted = Math.min(counted, s.watermark);
    newest = Math.max(newest, s.watermark);
  }
  return counted === Number.POSITIVE_INFINITY ? newest : counted;
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
