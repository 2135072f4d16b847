import type { KinesisStreamRecord } from 'aws-lambda';
import type { InputRecord } from '../records/input-record.ts';

/** eventID is `<shardId>:<sequenceNumber>`. */
function shardOf(record: KinesisStreamRecord): string {
  const colon = record.eventID.lastIndexOf(':');
  return colon > 0 ? record.eventID.slice(0, colon) : record.eventID;
}

/** A Lambda Kinesis record as the engine's input. */
export function fromKinesisEventRecord(record: KinesisStreamRecord): InputRecord {
  return {
    shardId: shardOf(record),
    sequenceNumber: BigInt(record.kinesis.sequenceNumber),
    partitionKey: record.kinesis.partitionKey,
    data: Buffer.from(record.kinesis.data, 'base64'),
    arrivedAt: Math.round(record.kinesis.approximateArrivalTimestamp * 1000),
  };
}
