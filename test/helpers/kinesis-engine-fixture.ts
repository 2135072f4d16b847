import { createKinesisEngine } from '#lib/stack/kinesis/engine/create-engine';
import type { KinesisEngine } from '#lib/stack/kinesis/engine/kinesis-engine';
import { KINESIS_SHARD_LIMITS, type ShardLimits } from '#lib/stack/kinesis/engine/shard-throughput';

type Json = Record<string, unknown>;

/** The local Kinesis engine in process, on a clock the test moves. */
export function engineFixture(
  limits: ShardLimits | 'off' = KINESIS_SHARD_LIMITS,
  maxRecordsPerShard = 2_000_000,
) {
  const clock = { now: Date.UTC(2026, 11, 6, 12) };
  const engine: KinesisEngine = createKinesisEngine({
    region: 'us-east-1',
    account: '000000000000',
    shardLimit: 1000,
    maxRecordsPerShard,
    limits: limits === 'off' ? undefined : limits,
    createMs: 0,
    deleteMs: 0,
    updateMs: 0,
    now: () => clock.now,
  });
  const call = (operation: string, input: Json) => engine.handle(operation, input) as Json;
  return {
    engine,
    clock,
    call,
    /** The error type an operation fails with, or undefined when it succeeds. */
    failure(operation: string, input: Json): string | undefined {
      try {
        call(operation, input);
        return undefined;
      } catch (error) {
        return (error as { type?: string }).type ?? String(error);
      }
    },
    put(stream: string, records: { data: string; key: string }[]) {
      return call('PutRecords', {
        StreamName: stream,
        Records: records.map((r) => ({
          Data: Buffer.from(r.data).toString('base64'),
          PartitionKey: r.key,
        })),
      }) as { FailedRecordCount: number; Records: { ErrorCode?: string; ShardId?: string }[] };
    },
    /** Every record of one shard from TRIM_HORIZON, following NextShardIterator to the tip. */
    readShard(stream: string, shardId: string) {
      let iterator = (
        call('GetShardIterator', {
          StreamName: stream,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }) as { ShardIterator: string }
      ).ShardIterator as string | undefined;
      const out: { data: string; key: string; seq: string }[] = [];
      let ended = false;
      while (iterator) {
        clock.now += 1000; // stay under 5 reads a second
        const page = call('GetRecords', { ShardIterator: iterator }) as {
          Records: { Data: string; PartitionKey: string; SequenceNumber: string }[];
          NextShardIterator?: string;
        };
        for (const r of page.Records) {
          out.push({
            data: Buffer.from(r.Data, 'base64').toString(),
            key: r.PartitionKey,
            seq: r.SequenceNumber,
          });
        }
        iterator = page.NextShardIterator;
        if (!iterator) ended = true;
        if (page.Records.length === 0) break;
      }
      return { records: out, ended };
    },
    shards(stream: string) {
      return (call('ListShards', { StreamName: stream }) as { Shards: Json[] }).Shards as {
        ShardId: string;
        ParentShardId?: string;
        AdjacentParentShardId?: string;
        HashKeyRange: { StartingHashKey: string; EndingHashKey: string };
        SequenceNumberRange: { EndingSequenceNumber?: string };
      }[];
    },
  };
}
