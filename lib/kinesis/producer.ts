import type { KinesisClient, PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { KinesisSender } from './kinesis-sender.ts';
import type { OutgoingRecord } from './outgoing-record.ts';
import { putRecordsCall } from './put-records-call.ts';

export type PutOutcome = { sequenceNumbers: string[]; shardIds: string[]; attempts: number };

/** Thrown when records are still refused after every attempt. */
export class PutRecordsError extends Error {
  readonly failed: number;

  constructor(failed: number, firstReason: string) {
    super(`${failed} record(s) could not be put: ${firstReason}`);
    this.name = 'PutRecordsError';
    this.failed = failed;
  }
}

/**
 * Puts a known list of records, one request at a time (so calls made one after the other land
 * in that order), re-sending failed entries with backoff up to `maxAttempts`. Results keep the
 * input order; `attempts` counts PutRecords calls. For a stream of records, use KinesisSender.
 */
export async function putRecords(
  client: KinesisClient,
  stream: string,
  entries: readonly PutRecordsRequestEntry[],
  maxAttempts = 5,
): Promise<PutOutcome> {
  const sequenceNumbers: string[] = new Array(entries.length);
  const shardIds: string[] = new Array(entries.length);
  let firstReason = '';
  const sender = new KinesisSender<OutgoingRecord & { at: number }>({
    put: putRecordsCall(client, stream),
    concurrency: 1,
    maxAttempts,
    onSent: (record, result) => {
      sequenceNumbers[record.at] = result.SequenceNumber ?? '';
      shardIds[record.at] = result.ShardId ?? '';
    },
    onFailed: (record, reason) => {
      firstReason ||= `${record.ref}: ${reason}`;
    },
  });
  for (const [at, entry] of entries.entries()) {
    await sender.add({
      data: entry.Data ?? new Uint8Array(),
      partitionKey: entry.PartitionKey ?? '',
      ref: `record ${at}`,
      at,
    });
  }
  const counts = await sender.flush();
  if (counts.failed > 0) throw new PutRecordsError(counts.failed, firstReason);
  return { sequenceNumbers, shardIds, attempts: counts.calls };
}
