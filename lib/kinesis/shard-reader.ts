import {
  type _Record,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';

export type ShardPosition =
  | { type: 'TRIM_HORIZON' }
  | { type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string };

/**
 * Reads a shard from `position` until it has caught up with the tip (an empty page with nothing
 * behind it), at most `maxRecords` records.
 */
export async function readShardToTip(
  client: KinesisClient,
  stream: string,
  shardId: string,
  position: ShardPosition,
  maxRecords = 10_000,
): Promise<_Record[]> {
  const iterator = await client.send(
    new GetShardIteratorCommand({
      StreamName: stream,
      ShardId: shardId,
      ShardIteratorType: position.type,
      ...(position.type === 'AFTER_SEQUENCE_NUMBER'
        ? { StartingSequenceNumber: position.sequenceNumber }
        : {}),
    }),
  );
  const records: _Record[] = [];
  let next = iterator.ShardIterator;
  while (next && records.length < maxRecords) {
    const page = await client.send(
      new GetRecordsCommand({
        ShardIterator: next,
        Limit: Math.min(1000, maxRecords - records.length),
      }),
    );
    records.push(...(page.Records ?? []));
    const caughtUp = (page.Records ?? []).length === 0 && (page.MillisBehindLatest ?? 0) === 0;
    next = caughtUp ? undefined : page.NextShardIterator;
  }
  return records;
}
