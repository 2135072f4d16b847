import { shardShape } from './describe-shapes.ts';
import { parseHashKey } from './hash-keys.ts';
import { invalidArgument, KinesisApiError } from './kinesis-api-error.ts';
import type { Action, KinesisEngine } from './kinesis-engine.ts';
import type { KinesisStream } from './kinesis-stream.ts';
import { integerField, stringField } from './request-fields.ts';
import type { ShardLog } from './shard-log.ts';
import { type ReshardStep, scaleUniformly } from './uniform-scaling.ts';

type ShardFilter = { Type?: string; ShardId?: string; Timestamp?: number };

function passesFilter(shard: ShardLog, filter: ShardFilter | undefined): boolean {
  switch (filter?.Type) {
    case undefined:
    case 'AT_TRIM_HORIZON':
    case 'FROM_TRIM_HORIZON':
      return true;
    case 'AT_LATEST':
      return shard.open;
    case 'AFTER_SHARD_ID':
      return filter.ShardId === undefined || shard.id > filter.ShardId;
    case 'AT_TIMESTAMP':
    case 'FROM_TIMESTAMP': {
      // Shards open at that time: made by then, and not closed before it.
      const at = (filter.Timestamp ?? 0) * 1000;
      return shard.createdTime <= at && (shard.closedTime === undefined || shard.closedTime > at);
    }
    default:
      throw invalidArgument(`ShardFilter type ${filter?.Type} is not valid.`);
  }
}

const listShards: Action = (engine, input) => {
  const token = stringField(input, 'NextToken');
  let stream: KinesisStream;
  let after = stringField(input, 'ExclusiveStartShardId');
  if (token !== undefined) {
    const [name, last] = Buffer.from(token, 'base64').toString('utf8').split('\n');
    stream = engine.stream({ StreamName: name });
    after = last;
  } else {
    stream = engine.stream(input);
  }
  const limit = integerField(input, 'MaxResults', { min: 1, max: 10_000 }) ?? 1000;
  const filter = input.ShardFilter as ShardFilter | undefined;
  const shards = stream.shards.filter(
    (s) => (after === undefined || s.id > after) && passesFilter(s, filter),
  );
  const page = shards.slice(0, limit);
  const last = page[page.length - 1];
  return {
    Shards: page.map((s) => shardShape(stream, s)),
    ...(shards.length > limit && last
      ? { NextToken: Buffer.from(`${stream.name}\n${last.id}`).toString('base64') }
      : {}),
  };
};

/** Marks the stream UPDATING, then reshards after the engine's update time. */
function reshardLater(engine: KinesisEngine, stream: KinesisStream, work: (now: number) => void) {
  if (stream.status !== 'ACTIVE') {
    throw new KinesisApiError(
      'ResourceInUseException',
      `Stream ${stream.name} under account ${stream.account} not ACTIVE, instead in state ${stream.status}`,
    );
  }
  stream.status = 'UPDATING';
  engine.after(engine.options.updateMs, () => {
    try {
      work(engine.now());
    } finally {
      if (stream.status === 'UPDATING') stream.status = 'ACTIVE';
    }
  });
}

const updateShardCount: Action = (engine, input) => {
  const stream = engine.stream(input);
  const target = integerField(input, 'TargetShardCount', { min: 1, max: 100_000 });
  if (target === undefined) throw invalidArgument('TargetShardCount is required.');
  if (input.ScalingType !== 'UNIFORM_SCALING') {
    throw invalidArgument('ScalingType must be UNIFORM_SCALING.');
  }
  const current = stream.openShards.length;
  if (target > current * 2 || target * 2 < current) {
    throw new KinesisApiError(
      'LimitExceededException',
      `UpdateShardCount cannot scale stream ${stream.name} from ${current} to ${target} shards: the target must be between half and double the open shard count.`,
    );
  }
  if (engine.openShardCount() - current + target > engine.options.shardLimit) {
    throw new KinesisApiError(
      'LimitExceededException',
      `This request would exceed the shard limit for the account ${stream.account}.`,
    );
  }
  const open = stream.openShards.map((s) => ({ id: s.id, range: s.range }));
  reshardLater(engine, stream, (now) =>
    scaleUniformly(open, target, (step) => stream.reshard(step, now)),
  );
  return {
    StreamName: stream.name,
    StreamARN: stream.arn,
    CurrentShardCount: current,
    TargetShardCount: target,
  };
};

const splitShard: Action = (engine, input) => {
  const stream = engine.stream(input);
  const shardId = stringField(input, 'ShardToSplit', { required: true }) as string;
  const text = stringField(input, 'NewStartingHashKey', { required: true }) as string;
  const key = parseHashKey(text);
  if (key === undefined)
    throw invalidArgument(`NewStartingHashKey ${text} is not a valid hash key.`);
  const step: ReshardStep = { kind: 'split', shardId, newStartingHashKey: key };
  stream.check(step);
  reshardLater(engine, stream, (now) => stream.reshard(step, now));
  return {};
};

const mergeShards: Action = (engine, input) => {
  const stream = engine.stream(input);
  const shardId = stringField(input, 'ShardToMerge', { required: true }) as string;
  const adjacentShardId = stringField(input, 'AdjacentShardToMerge', { required: true }) as string;
  const step: ReshardStep = { kind: 'merge', shardId, adjacentShardId };
  stream.check(step);
  reshardLater(engine, stream, (now) => stream.reshard(step, now));
  return {};
};

export const shardActions = {
  ListShards: listShards,
  UpdateShardCount: updateShardCount,
  SplitShard: splitShard,
  MergeShards: mergeShards,
} satisfies Record<string, Action>;
