import type { _Record } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';

/** A record as Lambda hands it to the function, with what the emulator needs to route it. */
export type EventRecord = {
  lambda: KinesisStreamRecord;
  sequenceNumber: bigint;
  partitionKey: string;
  /** Epoch ms the stream received it. */
  arrivedAt: number;
  /** Bytes it adds to the invocation payload (its JSON and a comma). */
  payloadBytes: number;
};

export type StreamIdentity = { streamArn: string; region: string };

/** The invocation payload around the records: `{"Records":[]}`. */
export const EVENT_ENVELOPE_BYTES = 14;

/** Lambda's Kinesis event record for a record GetRecords returned from `shardId`. */
export function toEventRecord(
  record: _Record,
  shardId: string,
  stream: StreamIdentity,
): EventRecord {
  const sequenceNumber = record.SequenceNumber ?? '';
  const partitionKey = record.PartitionKey ?? '';
  const arrivedAt = record.ApproximateArrivalTimestamp?.getTime() ?? Date.now();
  const lambda: KinesisStreamRecord = {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: arrivedAt / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/cassflow-local',
    awsRegion: stream.region,
    eventSourceARN: stream.streamArn,
  };
  return {
    lambda,
    sequenceNumber: BigInt(sequenceNumber),
    partitionKey,
    arrivedAt,
    payloadBytes: Buffer.byteLength(JSON.stringify(lambda)) + 1,
  };
}
