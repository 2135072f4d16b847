import {
  type KinesisClient,
  PutRecordsCommand,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import type { OutgoingRecord } from './outgoing-record.ts';

/** One PutRecords request; resolves one result entry per record, in order. */
export type PutRecordsCall = (
  records: readonly OutgoingRecord[],
) => Promise<PutRecordsResultEntry[]>;

/** PutRecords on `stream` through the SDK client. */
export function putRecordsCall(client: KinesisClient, stream: string): PutRecordsCall {
  return async (records) => {
    const result = await client.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: records.map((r) => ({ Data: r.data, PartitionKey: r.partitionKey })),
      }),
    );
    return result.Records ?? [];
  };
}
