import { seconds, shardShape, streamSummaryShape } from './describe-shapes.ts';
import { invalidArgument, KinesisApiError } from './kinesis-api-error.ts';
import type { Action } from './kinesis-engine.ts';
import { KinesisStream } from './kinesis-stream.ts';
import { integerField, stringField } from './request-fields.ts';

const NAME_RULES = { required: true, min: 1, max: 128 } as const;

const createStream: Action = (engine, input) => {
  const name = stringField(input, 'StreamName', NAME_RULES) as string;
  if (!/^[a-zA-Z0-9_.-]+$/.test(name)) {
    throw invalidArgument(`Stream name ${name} may only hold a-z, A-Z, 0-9, '_', '.' and '-'.`);
  }
  const details = input.StreamModeDetails as { StreamMode?: string } | undefined;
  const mode = details?.StreamMode === 'ON_DEMAND' ? 'ON_DEMAND' : 'PROVISIONED';
  const count =
    mode === 'ON_DEMAND' ? 4 : integerField(input, 'ShardCount', { min: 1, max: 100_000 });
  if (count === undefined)
    throw invalidArgument('ShardCount is required for a provisioned stream.');
  const { account, region, shardLimit } = engine.options;
  if (engine.streams.has(name)) {
    throw new KinesisApiError(
      'ResourceInUseException',
      `Stream ${name} under account ${account} already exists.`,
    );
  }
  if (engine.openShardCount() + count > shardLimit) {
    throw new KinesisApiError(
      'LimitExceededException',
      `This request would exceed the shard limit for the account ${account} in ${region}. Current shard count for the account: ${engine.openShardCount()}. Limit: ${shardLimit}.`,
    );
  }
  const arn = `arn:aws:kinesis:${region}:${account}:stream/${name}`;
  const stream = new KinesisStream(name, arn, engine.now(), count, mode);
  engine.streams.set(name, stream);
  engine.after(engine.options.createMs, () => {
    stream.status = 'ACTIVE';
  });
  return {};
};

const deleteStream: Action = (engine, input) => {
  const stream = engine.stream(input);
  stream.status = 'DELETING';
  engine.after(engine.options.deleteMs, () => {
    if (engine.streams.get(stream.name) === stream) engine.streams.delete(stream.name);
  });
  return {};
};

const describeStreamSummary: Action = (engine, input) => ({
  StreamDescriptionSummary: streamSummaryShape(engine.stream(input)),
});

const describeStream: Action = (engine, input) => {
  const stream = engine.stream(input);
  const limit = integerField(input, 'Limit', { min: 1, max: 10_000 }) ?? 100;
  const after = stringField(input, 'ExclusiveStartShardId');
  const shards = stream.shards.filter((s) => after === undefined || s.id > after);
  const { StreamCreationTimestamp, ...summary } = streamSummaryShape(stream);
  return {
    StreamDescription: {
      ...summary,
      StreamCreationTimestamp,
      Shards: shards.slice(0, limit).map((s) => shardShape(stream, s)),
      HasMoreShards: shards.length > limit,
    },
  };
};

const listStreams: Action = (engine, input) => {
  const limit = integerField(input, 'Limit', { min: 1, max: 10_000 }) ?? 100;
  const after = stringField(input, 'ExclusiveStartStreamName') ?? stringField(input, 'NextToken');
  const names = [...engine.streams.keys()].sort().filter((n) => after === undefined || n > after);
  const page = names.slice(0, limit);
  const more = names.length > limit;
  return {
    StreamNames: page,
    StreamSummaries: page.map((n) => {
      const s = engine.streams.get(n) as KinesisStream;
      return {
        StreamName: s.name,
        StreamARN: s.arn,
        StreamStatus: s.status,
        StreamModeDetails: { StreamMode: s.mode },
        StreamCreationTimestamp: seconds(s.epoch),
      };
    }),
    HasMoreStreams: more,
    ...(more ? { NextToken: page[page.length - 1] } : {}),
  };
};

const retention =
  (direction: 'increase' | 'decrease'): Action =>
  (engine, input) => {
    const stream = engine.stream(input);
    const hours = integerField(input, 'RetentionPeriodHours', { min: 24, max: 8760 }) as number;
    const wrongWay =
      direction === 'increase' ? hours < stream.retentionHours : hours > stream.retentionHours;
    if (hours === undefined || wrongWay) {
      throw invalidArgument(
        `Requested retention period (${hours} hours) for stream ${stream.name} can not be ${direction === 'increase' ? 'shorter' : 'longer'} than existing retention period (${stream.retentionHours} hours). Use ${direction === 'increase' ? 'DecreaseRetentionPeriod' : 'IncreaseRetentionPeriod'} API.`,
      );
    }
    stream.retentionHours = hours;
    return {};
  };

const addTagsToStream: Action = (engine, input) => {
  const stream = engine.stream(input);
  const tags = (input.Tags ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(tags)) stream.tags.set(key, String(value));
  return {};
};

const listTagsForStream: Action = (engine, input) => {
  const stream = engine.stream(input);
  return {
    Tags: [...stream.tags].map(([Key, Value]) => ({ Key, Value })),
    HasMoreTags: false,
  };
};

export const streamActions = {
  CreateStream: createStream,
  DeleteStream: deleteStream,
  DescribeStream: describeStream,
  DescribeStreamSummary: describeStreamSummary,
  ListStreams: listStreams,
  IncreaseStreamRetentionPeriod: retention('increase'),
  DecreaseStreamRetentionPeriod: retention('decrease'),
  AddTagsToStream: addTagsToStream,
  ListTagsForStream: listTagsForStream,
} satisfies Record<string, Action>;
