import { setTimeout as sleep } from 'node:timers/promises';
import {
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';

/** Where reading a shard starts. */
export type IteratorStart =
  | { type: 'TRIM_HORIZON' | 'LATEST' }
  | { type: 'AT_TIMESTAMP'; timestamp: number }
  | { type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: bigint };

/**
 * GetRecords over one shard, renewing the iterator when it expires (after the last record read,
 * so nothing is read twice or skipped) and backing off when the shard's read limit is hit.
 */
export class ShardIterator {
  readonly #kinesis: KinesisClient;
  readonly #stream: string;
  readonly #shardId: string;
  #start: IteratorStart;
  #iterator: string | undefined;
  #ended = false;

  constructor(kinesis: KinesisClient, stream: string, shardId: string, start: IteratorStart) {
    this.#kinesis = kinesis;
    this.#stream = stream;
    this.#shardId = shardId;
    this.#start = start;
  }

  /** True once the shard is closed and every record was returned. */
  get ended(): boolean {
    return this.#ended;
  }

  /** One GetRecords call; an empty page when the call had to be retried. */
  async next(
    limit: number,
    onRetry: (why: string) => void,
  ): Promise<GetRecordsCommandOutput['Records'] & {}> {
    try {
      this.#iterator ??= await this.#open();
      const page = await this.#kinesis.send(
        new GetRecordsCommand({ ShardIterator: this.#iterator, Limit: limit }),
      );
      const records = page.Records ?? [];
      const last = records[records.length - 1]?.SequenceNumber;
      if (last) this.#start = { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: BigInt(last) };
      this.#iterator = page.NextShardIterator;
      if (!this.#iterator) this.#ended = true;
      this.behindMs = page.MillisBehindLatest ?? 0;
      return records;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) throw error;
      if (error instanceof ExpiredIteratorException) {
        this.#iterator = undefined;
        onRetry('iterator expired; renewed after the last record read');
        return [];
      }
      const throttled = error instanceof ProvisionedThroughputExceededException;
      onRetry(throttled ? 'read throughput exceeded' : `GetRecords failed: ${String(error)}`);
      this.#iterator = undefined;
      await sleep(1000);
      return [];
    }
  }

  /** Milliseconds the last page was behind the shard's tip. */
  behindMs = 0;

  async #open(): Promise<string> {
    const start = this.#start;
    const result = await this.#kinesis.send(
      new GetShardIteratorCommand({
        StreamName: this.#stream,
        ShardId: this.#shardId,
        ShardIteratorType: start.type,
        ...(start.type === 'AFTER_SEQUENCE_NUMBER'
          ? { StartingSequenceNumber: String(start.sequenceNumber) }
          : {}),
        ...(start.type === 'AT_TIMESTAMP' ? { Timestamp: new Date(start.timestamp) } : {}),
      }),
    );
    if (!result.ShardIterator) throw new Error(`no iterator for ${this.#shardId}`);
    return result.ShardIterator;
  }
}
