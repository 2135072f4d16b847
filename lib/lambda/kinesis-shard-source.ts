import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import type { KinesisConfig } from '../config/config.ts';
import type { ShardSource, StreamShard } from '../engine/ports.ts';
import { createKinesisClient } from '../kinesis/client.ts';
import { listShards } from '../kinesis/streams.ts';

/**
 * The stream as the tick asks it: its shards (with parents, and whether they ended), and whether
 * anything is left to read on a shard. cassflow's event source starts at TRIM_HORIZON, so a shard
 * no batch has finished is read from there.
 */
export function kinesisShardSource(config: KinesisConfig, stream: string): ShardSource {
  return kinesisShardSourceOf(createKinesisClient(config), stream);
}

export function kinesisShardSourceOf(client: KinesisClient, stream: string): ShardSource {
  return {
    async listShards(): Promise<StreamShard[]> {
      return (await listShards(client, stream)).flatMap((s) =>
        s.ShardId
          ? [
              {
                shardId: s.ShardId,
                parentIds: [s.ParentShardId, s.AdjacentParentShardId].filter(
                  (id): id is string => id !== undefined,
                ),
                ended: s.SequenceNumberRange?.EndingSequenceNumber !== undefined,
              },
            ]
          : [],
      );
    },

    async nothingToRead(shardId: string, position: bigint | undefined): Promise<boolean> {
      const type: ShardIteratorType =
        position === undefined ? 'TRIM_HORIZON' : 'AFTER_SEQUENCE_NUMBER';
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamName: stream,
          ShardId: shardId,
          ShardIteratorType: type,
          ...(position === undefined ? {} : { StartingSequenceNumber: String(position) }),
        }),
      );
      if (!ShardIterator) return false;
      const page = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 1 }));
      if ((page.Records ?? []).length > 0) return false;
      // No next iterator: the shard ended and was read to its end. Otherwise an empty page only
      // means caught up when Kinesis says the iterator is at the tip.
      return page.NextShardIterator === undefined || page.MillisBehindLatest === 0;
    },
  };
}

/** The ids of the stream's open shards (the ones a batch registers before its first write). */
export function openShardIds(source: ShardSource): () => Promise<string[]> {
  return async () => (await source.listShards()).filter((s) => !s.ended).map((s) => s.shardId);
}
