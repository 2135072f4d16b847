import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EventRecord } from './event-record.ts';

export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/**
 * What Lambda sends an on-failure destination for a discarded stream batch: metadata, not the
 * records (they stay readable in the stream by sequence number until retention ends).
 */
export type FailureRecord = {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: FailureCondition;
    approximateInvokeCount: number;
  };
  responseContext: { statusCode: number; executedVersion: string; functionError: string };
  version: '1.0';
  timestamp: string;
  KinesisBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
  /** Not in Lambda's record: why the last invocation failed, to save a trip to the logs. */
  errorMessage?: string;
};

export type FailureDestination = { send(record: FailureRecord): Promise<void> };

/** Describes a discarded batch like Lambda does. */
export function failureRecord(
  records: readonly EventRecord[],
  details: {
    functionName: string;
    shardId: string;
    condition: FailureCondition;
    invokeCount: number;
    errorMessage?: string;
  },
): FailureRecord {
  const first = records[0];
  const last = records[records.length - 1];
  if (!first || !last) throw new Error('a failure record describes at least one record');
  return {
    requestContext: {
      requestId: randomUUID(),
      functionArn: `arn:aws:lambda:${first.lambda.awsRegion}:000000000000:function:${details.functionName}`,
      condition: details.condition,
      approximateInvokeCount: details.invokeCount,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: new Date().toISOString(),
    KinesisBatchInfo: {
      shardId: details.shardId,
      startSequenceNumber: first.lambda.kinesis.sequenceNumber,
      endSequenceNumber: last.lambda.kinesis.sequenceNumber,
      approximateArrivalOfFirstRecord: new Date(first.arrivedAt).toISOString(),
      approximateArrivalOfLastRecord: new Date(last.arrivedAt).toISOString(),
      batchSize: records.length,
      streamArn: first.lambda.eventSourceARN,
    },
    ...(details.errorMessage !== undefined ? { errorMessage: details.errorMessage } : {}),
  };
}

/** The local stand-in for an SQS/SNS destination: one JSON document per line in a file. */
export class FailureLog implements FailureDestination {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  async send(record: FailureRecord): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify(record)}\n`);
  }
}
