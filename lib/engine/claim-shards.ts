import type { ShardClaim, ShardWatermark } from '../store/watermark.ts';
import { withCompareAndSet } from './compare-and-set.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';

export class ShardClaimError extends Error {
  constructor(shardId: string, why: string) {
    super(`could not claim shard ${shardId} for a batch: ${why}`);
    this.name = 'ShardClaimError';
  }
}

/** What a single-writer batch's claim gives it (docs/single-writer.md). */
export type BatchClaim = {
  /** The write timestamp (µs) of every row this attempt writes. */
  timestamp: bigint;
  /**
   * Rows starting after this event time have no writer but this batch's records (any attempt
   * at them): written without a read, from this attempt's events alone.
   */
  seenUpTo: number;
  /** The pipeline's shards as the claim left them (its batch's end compares their versions). */
  shards: ShardWatermark[];
  /**
   * The previous claim on every one of the batch's shards was this container's last acknowledged
   * one: no other container can have written their keys' rows since, so the rows it remembers are
   * still the latest. Otherwise it forgot them all.
   */
  trusted: boolean;
};

/**
 * The newest event time any shard has recorded, or any claim carried: every event a batch on any
 * line of shards finished is at or before it (a parent's row stays until its children claimed).
 */
export function seenByAllShards(shards: readonly ShardWatermark[]): number {
  let seen = Number.NEGATIVE_INFINITY;
  for (const s of shards) seen = Math.max(seen, s.maxEventTime, s.claim?.seenUpTo ?? seen);
  return seen;
}

/** Above the clock, and above every claim on any of the pipeline's shards. */
export function nextClaimTimestamp(shards: readonly ShardWatermark[], nowMs: number): bigint {
  let timestamp = BigInt(Math.floor(nowMs)) * 1000n;
  for (const shard of shards) {
    if (shard.claim && shard.claim.timestamp >= timestamp) timestamp = shard.claim.timestamp + 1n;
  }
  return timestamp;
}

/**
 * Claims the batch's shards for this attempt with a compare-and-set on each shard's row, recording
 * a write timestamp and the claiming container (its row cache's id). The timestamp is above every
 * claim on the pipeline's shards: so above the earlier attempts on this shard's line of shards (a
 * parent's row stays until its children have claimed: tick.ts), whatever the clocks say, and no
 * two attempts on a line share one. A claim whose compare-and-set timed out either never applies
 * or is completed by the next round on the row, which then claims above it.
 */
export async function claimShards(
  shardIds: readonly string[],
  shards: readonly ShardWatermark[],
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<BatchClaim> {
  const claimer = ports.rowCache?.id ?? 'no-row-cache';
  let current = [...shards];
  let timestamp = 0n;
  let seenUpTo = Number.NEGATIVE_INFINITY;
  let trusted = true;
  for (const shardId of shardIds) {
    let known: ShardWatermark[] | undefined = current;
    type Claimed = { rows: ShardWatermark[]; previous: ShardWatermark };
    const outcome = await withCompareAndSet<Claimed>(async () => {
      const rows = known ?? (await ports.watermarks.readShards());
      known = undefined;
      const previous = rows.find((s) => s.shardId === shardId);
      if (!previous) throw new ShardClaimError(shardId, 'its row is gone');
      const claim: ShardClaim = {
        timestamp: nextClaimTimestamp(rows, settings.now()),
        claimer,
        seenUpTo: seenByAllShards(rows),
      };
      if (!(await ports.watermarks.claimShard(previous, claim))) return { done: false };
      const claimed = { ...previous, claim, version: previous.version + 1n };
      return {
        done: true,
        value: { rows: rows.map((s) => (s.shardId === shardId ? claimed : s)), previous },
      };
    }, settings.retry);
    if (!outcome.applied) {
      throw new ShardClaimError(
        shardId,
        outcome.error ? String(outcome.error) : 'too many concurrent writers',
      );
    }
    current = outcome.value.rows;
    const made = current.find((s) => s.shardId === shardId)?.claim;
    timestamp = made?.timestamp ?? timestamp;
    seenUpTo = Math.max(seenUpTo, made?.seenUpTo ?? seenUpTo);
    // Trusted only after the very claim this container last saw acknowledged: a claim of its own
    // whose answer was lost may have hidden another container's claim before it.
    const previous = outcome.value.previous.claim;
    const cache = ports.rowCache;
    if (!cache || !previous || previous.timestamp !== cache.lastClaim(shardId)) trusted = false;
    cache?.claimed(shardId, timestamp);
  }
  if (!trusted) ports.rowCache?.clear();
  return { timestamp, seenUpTo, shards: current, trusted };
}
