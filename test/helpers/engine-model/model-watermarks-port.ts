import type { EnginePorts } from '#lib/engine/ports';
import type { ShardState, ShardWatermark } from '#lib/store/watermark';
import type { CloserCursor, ShardAdvance } from '#lib/store/watermark-store';
import type { Caller, ModelStore } from './model-store.ts';

/** The watermark port of the model: every change a compare-and-set on the row's version. */
export function modelWatermarksPort(store: ModelStore, caller: Caller): EnginePorts['watermarks'] {
  const shardCas = (
    op: string,
    shardId: string,
    expected: bigint | undefined,
    next: () => ShardWatermark | undefined,
  ) =>
    store.paxos(caller, op, 'shard', () => {
      const current = store.shards.get(shardId);
      const applies = expected === undefined ? !current : current?.version === expected;
      const value = applies ? next() : undefined;
      return {
        applies,
        commit: () => {
          if (value) store.shards.set(shardId, value);
          else store.shards.delete(shardId);
        },
        result: applies,
      };
    });
  const cursorCas = (next: Omit<CloserCursor, 'version'>, previous?: CloserCursor) =>
    store.paxos(caller, 'moveCursor', 'closer', () => {
      const applies = previous ? store.cursor?.version === previous.version : !store.cursor;
      const value = { ...next, version: (previous?.version ?? 0n) + 1n };
      return { applies, commit: () => (store.cursor = value), result: applies };
    });
  return {
    readShards: () =>
      store.plain(caller, 'readShards', () => [...store.shards.values()].map((s) => ({ ...s }))),
    advanceShard: (next: ShardAdvance, previous) =>
      // An UPDATE of its columns: the claim stays as it was.
      shardCas('advanceShard', next.shardId, previous.version, () => ({
        ...(store.shards.get(next.shardId) as ShardWatermark),
        ...next,
        state: 'active',
        version: previous.version + 1n,
      })),
    registerShard: (shardId, now) =>
      shardCas('registerShard', shardId, undefined, () => ({
        shardId,
        watermark: Number.NEGATIVE_INFINITY,
        maxEventTime: Number.NEGATIVE_INFINITY,
        lastSeen: now,
        state: 'active',
        version: 1n,
      })),
    setShardState: (previous, state: ShardState, lastSeen) =>
      shardCas('setShardState', previous.shardId, previous.version, () => {
        const current = store.shards.get(previous.shardId) as ShardWatermark;
        return {
          ...current,
          state,
          lastSeen: lastSeen ?? current.lastSeen,
          version: previous.version + 1n,
        };
      }),
    claimShard: (previous, claim) =>
      shardCas('claimShard', previous.shardId, previous.version, () => ({
        ...(store.shards.get(previous.shardId) as ShardWatermark),
        claim,
        version: previous.version + 1n,
      })),
    removeShard: (shardId) =>
      store.plain(caller, 'removeShard', () => {
        store.shards.delete(shardId);
      }),
    readCursor: () =>
      store.plain(caller, 'readCursor', () => (store.cursor ? { ...store.cursor } : undefined)),
    moveCursor: (next, previous) => cursorCas(next, previous),
    bumpCursor: (previous) =>
      cursorCas(
        {
          claimed: previous?.claimed ?? Number.NEGATIVE_INFINITY,
          done: previous?.done ?? Number.NEGATIVE_INFINITY,
        },
        previous,
      ),
  };
}
