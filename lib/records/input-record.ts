/** A Kinesis record as the engine sees it, whichever way it arrived (Lambda event, emulator). */
export type InputRecord = {
  shardId: string;
  /** Kinesis sequence numbers exceed 2^53: always compared as big integers. */
  sequenceNumber: bigint;
  partitionKey: string;
  data: Uint8Array;
  /** Approximate arrival time at Kinesis, epoch ms. */
  arrivedAt: number;
};

/** A record that could not be used, and why: bound for the dead-letter table. */
export type RejectedRecord = {
  record: InputRecord;
  /** The field at fault ('(record)' when it is the record as a whole). */
  field: string;
  reason: string;
};

/** Shard and sequence number, as people quote a record. */
export function describeRecord(record: InputRecord): string {
  return `${record.shardId}/${record.sequenceNumber}`;
}
