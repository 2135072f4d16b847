import { hashKeyOf, parseHashKey } from './hash-keys.ts';
import { invalidArgument, KinesisApiError, validationError } from './kinesis-api-error.ts';
import type { Action, KinesisEngine } from './kinesis-engine.ts';
import type { KinesisStream } from './kinesis-stream.ts';
import { base64Bytes, type Input, stringField } from './request-fields.ts';
import { sequenceNumber } from './sequence-numbers.ts';

const MAX_RECORD_BYTES = 1024 * 1024;
const MAX_REQUEST_BYTES = 5 * 1024 * 1024;
const MAX_RECORDS = 500;

type Entry = { data: string; partitionKey: string; hashKey: bigint; bytes: number };

/** A record as PutRecord or one entry of PutRecords carries it, checked. */
function entryOf(input: Input, field: (name: string) => string): Entry {
  const data = stringField(input, 'Data', { required: true }) as string;
  const partitionKey = stringField(input, 'PartitionKey', { required: true, min: 1, max: 256 });
  const explicit = stringField(input, 'ExplicitHashKey');
  let hashKey = hashKeyOf(partitionKey as string);
  if (explicit !== undefined) {
    const parsed = parseHashKey(explicit);
    if (parsed === undefined) {
      throw invalidArgument(
        `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${explicit}`,
      );
    }
    hashKey = parsed;
  }
  const dataBytes = base64Bytes(data);
  if (dataBytes > MAX_RECORD_BYTES) {
    throw validationError(
      field('data'),
      `Member must have length less than or equal to ${MAX_RECORD_BYTES}`,
    );
  }
  const bytes = dataBytes + Buffer.byteLength(partitionKey as string);
  // The 1 MiB is of data and partition key together; past it a shard could never admit it.
  if (bytes > MAX_RECORD_BYTES) {
    throw invalidArgument(
      `A record's data and partition key together are ${bytes} bytes, over the limit of ${MAX_RECORD_BYTES}.`,
    );
  }
  return { data, partitionKey: partitionKey as string, hashKey, bytes };
}

function writableStream(engine: KinesisEngine, input: Input): KinesisStream {
  const stream = engine.stream(input);
  if (stream.status !== 'ACTIVE' && stream.status !== 'UPDATING') {
    throw new KinesisApiError(
      'ResourceNotFoundException',
      `Stream ${stream.name} under account ${stream.account} not found.`,
    );
  }
  return stream;
}

/** Appends the entry to its shard, or says the shard is over its write rate. */
function write(engine: KinesisEngine, stream: KinesisStream, entry: Entry, now: number) {
  const shard = stream.shardFor(entry.hashKey);
  if (!engine.throughput.admitWrite(shard, entry.bytes, now)) {
    return {
      throttled: `Rate exceeded for shard ${shard.id} in stream ${stream.name} under account ${stream.account}.`,
      shardId: shard.id,
    };
  }
  const place = shard.append(entry.data, entry.partitionKey, entry.bytes, now);
  shard.keepAtMost(engine.options.maxRecordsPerShard);
  return { shardId: shard.id, sequenceNumber: sequenceNumber(stream.epoch, shard.index, place) };
}

const putRecord: Action = (engine, input) => {
  const stream = writableStream(engine, input);
  const entry = entryOf(input, (name) => name);
  const now = engine.now();
  stream.expire(now);
  const written = write(engine, stream, entry, now);
  if (written.throttled) {
    throw new KinesisApiError('ProvisionedThroughputExceededException', written.throttled);
  }
  return {
    ShardId: written.shardId,
    SequenceNumber: written.sequenceNumber,
    EncryptionType: 'NONE',
  };
};

const putRecords: Action = (engine, input) => {
  const stream = writableStream(engine, input);
  const records = input.Records;
  if (!Array.isArray(records) || records.length < 1 || records.length > MAX_RECORDS) {
    throw validationError(
      'records',
      `Member must have length less than or equal to ${MAX_RECORDS} and greater than or equal to 1`,
    );
  }
  const entries = records.map((r, i) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      throw new KinesisApiError('SerializationException', `Records[${i}] is not an object`);
    }
    return entryOf(r as Input, (name) => `records.${i + 1}.member.${name}`);
  });
  const total = entries.reduce((sum, e) => sum + e.bytes, 0);
  if (total > MAX_REQUEST_BYTES) {
    throw invalidArgument(`Records size exceeds 5 MB limit (${total} bytes).`);
  }
  const now = engine.now();
  stream.expire(now);
  let failed = 0;
  const results = entries.map((entry) => {
    const written = write(engine, stream, entry, now);
    if (written.throttled) {
      failed++;
      return {
        ErrorCode: 'ProvisionedThroughputExceededException',
        ErrorMessage: written.throttled,
      };
    }
    return { ShardId: written.shardId, SequenceNumber: written.sequenceNumber };
  });
  return { FailedRecordCount: failed, Records: results, EncryptionType: 'NONE' };
};

export const putActions = {
  PutRecord: putRecord,
  PutRecords: putRecords,
} satisfies Record<string, Action>;
