import type { KinesisConfig } from '../config/config.ts';
import { createKinesisClient } from '../kinesis/client.ts';
import { listShards } from '../kinesis/streams.ts';

/** The shard ids of the stream an event source ARN names (…:stream/<name>). */
export function kinesisShardLister(config: KinesisConfig) {
  const client = createKinesisClient(config);
  return async (streamArn: string): Promise<string[]> => {
    const name = streamArn.slice(streamArn.lastIndexOf('/') + 1);
    return (await listShards(client, name)).flatMap((s) => (s.ShardId ? [s.ShardId] : []));
  };
}
