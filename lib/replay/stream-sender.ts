import { setTimeout as sleep } from 'node:timers/promises';
import { type KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { backoffDelay } from '../kinesis/backoff.ts';
import { NotSentError, type SendRecord } from './replay-dead-letters.ts';

type SdkError = { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };

/** Failures before a request could leave: no such host, or nothing listening. */
const NO_CONNECTION = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** Kinesis answered and wrote nothing (a 4xx: throttling, no such stream), or was never reached. */
function surelyNotWritten(error: unknown): boolean {
  const e = error as SdkError;
  const status = e.$metadata?.httpStatusCode;
  return (status !== undefined && status >= 400 && status < 500) || NO_CONNECTION.has(e.code ?? '');
}

const THROTTLED = 'ProvisionedThroughputExceededException';

/**
 * Sends one record with PutRecord and no SDK retries (a retried timeout could write it twice):
 * throttling is waited out a few times here, and a failure that surely wrote nothing is a
 * NotSentError; any other failure may have written it and is passed on as it is.
 */
export function streamSender(client: KinesisClient, stream: string, attempts = 6): SendRecord {
  return async ({ partitionKey, data }) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const out = await client.send(
          new PutRecordCommand({ StreamName: stream, PartitionKey: partitionKey, Data: data }),
        );
        return `${out.ShardId}/${out.SequenceNumber}`;
      } catch (error) {
        if (!surelyNotWritten(error)) throw error;
        if ((error as SdkError).name === THROTTLED && attempt < attempts) {
          await sleep(backoffDelay(attempt));
          continue;
        }
        throw new NotSentError(`${stream}: ${(error as Error).message}`, { cause: error });
      }
    }
  };
}
