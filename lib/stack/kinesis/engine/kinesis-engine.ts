import { KinesisApiError } from './kinesis-api-error.ts';
import type { KinesisStream } from './kinesis-stream.ts';
import type { Input } from './request-fields.ts';
import { type ShardLimits, ShardThroughput } from './shard-throughput.ts';

export type EngineOptions = {
  region: string;
  account: string;
  /** Open shards allowed across all streams (Kinesis' account quota). */
  shardLimit: number;
  /** Records a shard holds at most, oldest dropped first: memory stays bounded in long runs. */
  maxRecordsPerShard: number;
  /** Per-shard rate limits; undefined admits everything. */
  limits: ShardLimits | undefined;
  /** How long a stream stays CREATING, DELETING or UPDATING (Kinesis takes seconds). */
  createMs: number;
  deleteMs: number;
  updateMs: number;
  now?: () => number;
};

export type Action = (engine: KinesisEngine, input: Input) => unknown;

/** The streams the emulator holds, and what every action needs to reach them. */
export class KinesisEngine {
  readonly streams = new Map<string, KinesisStream>();
  readonly throughput: ShardThroughput;
  private readonly clock: () => number;
  private readonly timers = new Set<NodeJS.Timeout>();

  readonly options: EngineOptions;
  private readonly actions: Readonly<Record<string, Action>>;

  constructor(options: EngineOptions, actions: Readonly<Record<string, Action>>) {
    this.options = options;
    this.actions = actions;
    this.throughput = new ShardThroughput(options.limits);
    this.clock = options.now ?? Date.now;
  }

  now(): number {
    return this.clock();
  }

  handle(operation: string, input: Input): unknown {
    const action = this.actions[operation];
    if (!action) {
      throw new KinesisApiError(
        'UnknownOperationException',
        `${operation} is not supported by cassflow's local Kinesis`,
      );
    }
    return action(this, input);
  }

  /** The stream a request names by StreamName or StreamARN. */
  stream(input: Input): KinesisStream {
    const name =
      typeof input.StreamName === 'string'
        ? input.StreamName
        : typeof input.StreamARN === 'string'
          ? input.StreamARN.split('/').pop()
          : undefined;
    if (name === undefined) {
      throw new KinesisApiError(
        'InvalidArgumentException',
        'Either StreamName or StreamARN is required.',
      );
    }
    const stream = this.streams.get(name);
    if (!stream) {
      throw new KinesisApiError(
        'ResourceNotFoundException',
        `Stream ${name} under account ${this.options.account} not found.`,
      );
    }
    return stream;
  }

  /** Runs `fn` after `ms`, at once when `ms` is 0 (the tests' setting). */
  after(ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  /** Drops what every stream's retention has passed, written to or not. */
  expireAll(): void {
    const now = this.now();
    for (const stream of this.streams.values()) stream.expire(now);
  }

  openShardCount(): number {
    let count = 0;
    for (const stream of this.streams.values()) count += stream.openShards.length;
    return count;
  }
}
