import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/** A record as a shard holds it: raw bytes, with its shard and sequence number. */
export type ShardRecord = {
  shardId: string;
  sequenceNumber: bigint;
  partitionKey: string;
  data: Uint8Array;
};

/** Kinesis-like sequence numbers: far beyond 2^53, increasing per shard. */
export function sequenceNumber(shardIndex: number, position: number): bigint {
  return (
    49_680_533_081_896_616_395_926_409_078_146_410_642_087_851_730_292_178_946n +
    BigInt(shardIndex) * 10n ** 30n +
    BigInt(position) * 1000n
  );
}

export function kinesisRecordFactory(record: ShardRecord): KinesisStreamRecord {
  return {
    awsRegion: 'us-east-1',
    eventID: `${record.shardId}:${record.sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    eventSource: 'aws:kinesis',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/cassflow-test',
    eventVersion: '1.0',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/cassflow-test',
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.partitionKey,
      sequenceNumber: String(record.sequenceNumber),
      data: Buffer.from(record.data).toString('base64'),
      approximateArrivalTimestamp: Date.now() / 1000,
    },
  };
}

/** The event Lambda passes for one batch of one shard. */
export function kinesisEvent(records: readonly ShardRecord[]): KinesisStreamEvent {
  return { Records: records.map(kinesisRecordFactory) };
}

export function jsonRecord(
  shardId: string,
  sequence: bigint,
  payload: unknown,
  partitionKey = 'pk',
): ShardRecord {
  return {
    shardId,
    sequenceNumber: sequence,
    partitionKey,
    data: new TextEncoder().encode(typeof payload === 'string' ? payload : JSON.stringify(payload)),
  };
}
