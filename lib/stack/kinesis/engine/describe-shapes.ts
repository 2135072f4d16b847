import type { KinesisStream } from './kinesis-stream.ts';
import { sequenceNumber } from './sequence-numbers.ts';
import type { ShardLog } from './shard-log.ts';

/** The JSON shapes Kinesis answers with (timestamps in epoch seconds). */
export const seconds = (ms: number) => ms / 1000;

export function shardShape(stream: KinesisStream, shard: ShardLog) {
  const [parent, adjacent] = shard.parents;
  return {
    ShardId: shard.id,
    ...(parent ? { ParentShardId: parent } : {}),
    ...(adjacent ? { AdjacentParentShardId: adjacent } : {}),
    HashKeyRange: {
      StartingHashKey: shard.range.start.toString(),
      EndingHashKey: shard.range.end.toString(),
    },
    SequenceNumberRange: {
      StartingSequenceNumber: sequenceNumber(stream.epoch, shard.index, 0),
      ...(shard.closedAt !== undefined
        ? { EndingSequenceNumber: sequenceNumber(stream.epoch, shard.index, shard.closedAt) }
        : {}),
    },
  };
}

/** A child shard as a closed shard's last GetRecords lists it. */
export function childShardShape(stream: KinesisStream, child: ShardLog) {
  return {
    ShardId: child.id,
    ParentShards: child.parents,
    HashKeyRange: shardShape(stream, child).HashKeyRange,
  };
}

export function streamSummaryShape(stream: KinesisStream) {
  return {
    StreamName: stream.name,
    StreamARN: stream.arn,
    StreamStatus: stream.status,
    StreamModeDetails: { StreamMode: stream.mode },
    RetentionPeriodHours: stream.retentionHours,
    StreamCreationTimestamp: seconds(stream.epoch),
    EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
    EncryptionType: 'NONE',
    OpenShardCount: stream.openShards.length,
    ConsumerCount: 0,
  };
}
