import type { ShardSource, StreamShard } from '#lib/engine/ports';
import type { InputRecord } from '#lib/records/input-record';

/** One shard of the model stream: its records (in sequence order) and how many have arrived. */
export type ModelShard = {
  shardId: string;
  parentIds: string[];
  records: InputRecord[];
  arrived: number;
  /** Set once a reshard closed it: no record arrives after its last. */
  ended: boolean;
  /** Listed only once the reshard that made it happened. */
  visible: boolean;
};

/**
 * A Kinesis stream in memory. Records arrive over the run (a producer releases them), a reshard
 * ends a shard and opens its children, and the tick's questions are answered from what arrived.
 */
export class ModelStream {
  readonly shards = new Map<string, ModelShard>();

  add(shard: ModelShard): void {
    this.shards.set(shard.shardId, shard);
  }

  /** Records that arrived on the shard after `position` (all that arrived, with none). */
  arrivedAfter(shardId: string, position: bigint | undefined): InputRecord[] {
    const shard = this.shards.get(shardId);
    if (!shard) return [];
    return shard.records
      .slice(0, shard.arrived)
      .filter((r) => position === undefined || r.sequenceNumber > position);
  }

  /** True once every record of every shard has arrived. */
  allArrived(): boolean {
    return [...this.shards.values()].every((s) => s.arrived >= s.records.length);
  }

  /** The tick's view; `pause` lets other invocations run around each call, as a network would. */
  source(pause: () => Promise<void>): ShardSource {
    return {
      listShards: async (): Promise<StreamShard[]> => {
        await pause();
        return [...this.shards.values()]
          .filter((s) => s.visible)
          .map((s) => ({ shardId: s.shardId, parentIds: s.parentIds, ended: s.ended }));
      },
      nothingToRead: async (shardId, position) => {
        await pause();
        const nothing = this.arrivedAfter(shardId, position).length === 0;
        await pause();
        return nothing;
      },
    };
  }
}
