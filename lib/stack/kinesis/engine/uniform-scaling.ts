import { evenRange, type HashKeyRange } from './hash-keys.ts';

export type ReshardStep =
  | { kind: 'split'; shardId: string; newStartingHashKey: bigint }
  | { kind: 'merge'; shardId: string; adjacentShardId: string };

type OpenShard = { id: string; range: HashKeyRange };

/**
 * The splits and merges that take the open shards (which tile the hash key space) to `target`
 * even shards, as UpdateShardCount's uniform scaling does: split at each even boundary not yet
 * a boundary, then merge the pieces within each even range. `apply` performs a step and returns
 * the child shards it made, in hash key order.
 */
export function scaleUniformly(
  open: readonly OpenShard[],
  target: number,
  apply: (step: ReshardStep) => OpenShard[],
): void {
  let shards = [...open].sort((a, b) => (a.range.start < b.range.start ? -1 : 1));
  for (let j = 1; j < target; j++) {
    const boundary = evenRange(j, target).start;
    const at = shards.findIndex((s) => s.range.start < boundary && boundary <= s.range.end);
    const shard = shards[at];
    if (!shard) continue;
    const children = apply({ kind: 'split', shardId: shard.id, newStartingHashKey: boundary });
    shards.splice(at, 1, ...children);
  }
  for (let j = 0; j < target; j++) {
    const { start, end } = evenRange(j, target);
    for (;;) {
      const inside = shards.filter((s) => s.range.start >= start && s.range.end <= end);
      const [first, second] = inside;
      if (!first || !second) break;
      const [merged] = apply({ kind: 'merge', shardId: first.id, adjacentShardId: second.id });
      if (!merged) throw new Error('a merge made no shard');
      shards = shards.flatMap((s) => (s === first ? [merged] : s === second ? [] : [s]));
    }
  }
}
