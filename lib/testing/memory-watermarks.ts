import type { ShardClaim, ShardState, ShardWatermark } from '../store/watermark.ts';
import type { CloserCursor, ShardAdvance, WatermarkStore } from '../store/watermark-store.ts';

/** Shard watermarks and the closer's cursor in memory, each change a compare-and-set. */
export class MemoryWatermarks implements WatermarkStore {
  readonly #shards = new Map<string, ShardWatermark>();
  #cursor: CloserCursor | undefined;

  async readShards() {
    return [...this.#shards.values()].map((s) => ({ ...s }));
  }

  async advanceShard(next: ShardAdvance, previous: ShardWatermark) {
    return this.#swap(previous, (s) => ({ ...s, ...next, state: 'active' }));
  }

  async registerShard(shardId: string, now: number) {
    if (this.#shards.has(shardId)) return false;
    this.#shards.set(shardId, {
      shardId,
      watermark: Number.NEGATIVE_INFINITY,
      maxEventTime: Number.NEGATIVE_INFINITY,
      lastSeen: now,
      state: 'active',
      version: 1n,
    });
    return true;
  }

  async setShardState(previous: ShardWatermark, state: ShardState, lastSeen?: number) {
    return this.#swap(previous, (s) => ({ ...s, state, lastSeen: lastSeen ?? s.lastSeen }));
  }

  async claimShard(previous: ShardWatermark, claim: ShardClaim) {
    return this.#swap(previous, (s) => ({ ...s, claim }));
  }

  async removeShard(shardId: string) {
    this.#shards.delete(shardId);
  }

  async readCursor() {
    return this.#cursor && { ...this.#cursor };
  }

  async moveCursor(next: Omit<CloserCursor, 'version'>, previous?: CloserCursor) {
    if (this.#cursor?.version !== previous?.version) return false;
    this.#cursor = { ...next, version: (previous?.version ?? 0n) + 1n };
    return true;
  }

  async bumpCursor(previous?: CloserCursor) {
    const { NEGATIVE_INFINITY } = Number;
    return this.moveCursor(
      {
        claimed: previous?.claimed ?? NEGATIVE_INFINITY,
        done: previous?.done ?? NEGATIVE_INFINITY,
      },
      previous,
    );
  }

  /**
   * Moves every shard's newest event time up to `time + outOfOrderMs` (its watermark to `time`),
   * registering one if there is none: event time passing without events, as a test asks for.
   */
  advanceTo(time: number, outOfOrderMs: number, shardId: string, now: number): void {
    if (this.#shards.size === 0) void this.registerShard(shardId, now);
    for (const [id, shard] of this.#shards) {
      if (shard.watermark >= time) continue;
      this.#shards.set(id, {
        ...shard,
        watermark: time,
        maxEventTime: time + outOfOrderMs,
        version: shard.version + 1n,
      });
    }
  }

  #swap(previous: ShardWatermark, next: (current: ShardWatermark) => ShardWatermark): boolean {
    const current = this.#shards.get(previous.shardId);
    if (!current || current.version !== previous.version) return false;
    this.#shards.set(previous.shardId, { ...next(current), version: current.version + 1n });
    return true;
  }
}
