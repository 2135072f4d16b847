import { childShardShape, seconds } from './describe-shapes.ts';
import { invalidArgument, KinesisApiError } from './kinesis-api-error.ts';
import type { Action } from './kinesis-engine.ts';
import { integerField, stringField } from './request-fields.ts';
import { parseSequenceNumber, sequenceNumber } from './sequence-numbers.ts';
import { decodeIterator, encodeIterator } from './shard-iterators.ts';

const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
const ITERATOR_TYPES = [
  'AT_SEQUENCE_NUMBER',
  'AFTER_SEQUENCE_NUMBER',
  'TRIM_HORIZON',
  'LATEST',
  'AT_TIMESTAMP',
];

const getShardIterator: Action = (engine, input) => {
  const stream = engine.stream(input);
  const shardId = stringField(input, 'ShardId', { required: true, min: 1, max: 128 }) as string;
  const shard = stream.shard(shardId);
  const type = stringField(input, 'ShardIteratorType', { required: true }) as string;
  if (!ITERATOR_TYPES.includes(type)) throw invalidArgument(`Invalid ShardIteratorType ${type}.`);
  let place: number;
  if (type === 'TRIM_HORIZON') place = shard.firstHeldPlace;
  else if (type === 'LATEST') place = shard.lastPlace + 1;
  else if (type === 'AT_TIMESTAMP') {
    if (typeof input.Timestamp !== 'number') {
      throw invalidArgument(
        'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP.',
      );
    }
    place = shard.placeAtTime(input.Timestamp * 1000);
  } else {
    const text = stringField(input, 'StartingSequenceNumber');
    if (text === undefined) {
      throw invalidArgument(`StartingSequenceNumber is required for an iterator of type ${type}.`);
    }
    const parsed = parseSequenceNumber(text);
    if (
      !parsed ||
      parsed.streamEpoch !== stream.epoch ||
      parsed.shardIndex !== shard.index ||
      parsed.place > shard.lastPlace + (type === 'AT_SEQUENCE_NUMBER' ? 1 : 0)
    ) {
      throw invalidArgument(
        `StartingSequenceNumber ${text} used in GetShardIterator on shard ${shard.id} in stream ${stream.name} under account ${stream.account} is invalid because it did not come from this stream.`,
      );
    }
    place = type === 'AFTER_SEQUENCE_NUMBER' ? parsed.place + 1 : Math.max(parsed.place, 1);
  }
  const issuedAt = engine.now();
  return {
    ShardIterator: encodeIterator({
      stream: stream.name,
      epoch: stream.epoch,
      shardId,
      place: Math.max(place, shard.firstHeldPlace),
      issuedAt,
    }),
  };
};

const getRecords: Action = (engine, input) => {
  const now = engine.now();
  const text = stringField(input, 'ShardIterator', { required: true, min: 1, max: 512 }) as string;
  const at = decodeIterator(text, now);
  const limit = integerField(input, 'Limit', { min: 1, max: 10_000 }) ?? 10_000;
  const stream = engine.streams.get(at.stream);
  if (!stream || stream.epoch !== at.epoch) {
    throw new KinesisApiError(
      'ResourceNotFoundException',
      `Shard ${at.shardId} in stream ${at.stream} under account ${engine.options.account} does not exist`,
    );
  }
  const shard = stream.shard(at.shardId);
  if (!engine.throughput.admitRead(shard, now)) {
    throw new KinesisApiError(
      'ProvisionedThroughputExceededException',
      `Rate exceeded for Shard - ${shard.id} in stream ${stream.name} under account ${stream.account}.`,
    );
  }
  stream.expire(now);
  const first = Math.max(at.place, shard.firstHeldPlace);
  const records = [];
  let bytes = 0;
  let place = first;
  for (; place <= shard.lastPlace && records.length < limit; place++) {
    const record = shard.record(place);
    if (records.length > 0 && bytes + record.bytes > MAX_RESPONSE_BYTES) break;
    bytes += record.bytes;
    records.push({
      SequenceNumber: sequenceNumber(stream.epoch, shard.index, place),
      ApproximateArrivalTimestamp: seconds(record.arrivedAt),
      Data: record.data,
      PartitionKey: record.partitionKey,
    });
  }
  engine.throughput.chargeRead(shard, bytes, now);
  const ended = shard.closedAt !== undefined && place > shard.closedAt;
  return {
    Records: records,
    MillisBehindLatest: place <= shard.lastPlace ? Math.max(0, now - shard.arrivalOf(place)) : 0,
    ...(ended
      ? { ChildShards: shard.children.map((id) => childShardShape(stream, stream.shard(id))) }
      : {
          NextShardIterator: encodeIterator({ ...at, place, issuedAt: now }),
        }),
  };
};

export const readActions = {
  GetShardIterator: getShardIterator,
  GetRecords: getRecords,
} satisfies Record<string, Action>;
