import { setTimeout as sleep } from 'node:timers/promises';
import {
  type KinesisClient,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';

/** Kinesis accepts at most 500 records per PutRecords call. */
const MAX_BATCH = 500;

export type PutOutcome = { sequenceNumbers: string[]; shardIds: string[]; attempts: number };

/**
 * Puts records in batches of 500 and re-sends the entries a batch reports as failed
 * (throttling), with backoff, up to `maxAttempts`. Results keep the input order.
 */
export async function putRecords(
  client: KinesisClient,
  stream: string,
  entries: readonly PutRecordsRequestEntry[],
  maxAttempts = 5,
): Promise<PutOutcome> {
  const sequenceNumbers: string[] = new Array(entries.length);
  const shardIds: string[] = new Array(entries.length);
  let attempts = 0;
  for (let start = 0; start < entries.length; start += MAX_BATCH) {
    let pending = entries
      .slice(start, start + MAX_BATCH)
      .map((entry, i) => ({ entry, at: start + i }));
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > maxAttempts) {
        throw new Error(`${pending.length} record(s) still failing after ${maxAttempts} attempts`);
      }
      attempts += 1;
      const result = await client.send(
        new PutRecordsCommand({ StreamName: stream, Records: pending.map((p) => p.entry) }),
      );
      const failed: typeof pending = [];
      (result.Records ?? []).forEach((record, i) => {
        const item = pending[i];
        if (!item) return;
        if (record.ErrorCode || !record.SequenceNumber) failed.push(item);
        else {
          sequenceNumbers[item.at] = record.SequenceNumber;
          shardIds[item.at] = record.ShardId ?? '';
        }
      });
      pending = failed;
      if (pending.length > 0) await sleep(100 * 2 ** attempt);
    }
  }
  return { sequenceNumbers, shardIds, attempts };
}
