import {
  DescribeStreamSummaryCommand,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { listShards } from '../../kinesis/streams.ts';
import type { InvocationReport } from './deliver-batch.ts';
import type { StreamIdentity } from './event-record.ts';
import type { InvocableFunction } from './invoke.ts';
import type { FailureDestination } from './on-failure.ts';
import type { PositionStore } from './positions.ts';
import {
  type EventSourceSettings,
  type EventSourceSettingsInput,
  eventSourceSettings,
} from './settings.ts';
import { consumeShard } from './shard-consumer.ts';
import type { IteratorStart } from './shard-iterator.ts';
import { emptyStats, type MappingStats } from './stats.ts';
import { Wakeup } from './wakeup.ts';

export type EventSourceOptions = {
  kinesis: KinesisClient;
  streamName: string;
  functionName: string;
  /** A handler in this process, or an IsolatedFunction run in worker threads as Lambda runs it. */
  fn: InvocableFunction;
  settings?: EventSourceSettingsInput;
  positions: PositionStore;
  onFailure?: FailureDestination;
  log?: (line: string) => void;
  /** Told of every invocation (for Lambda's own metrics: invocations, errors, duration). */
  onInvoked?: (report: InvocationReport) => void;
  /** Told of every GetRecords page read from a shard: the records coming in. */
  onRead?: (shardId: string, records: number) => void;
};

export type RunningEventSource = {
  readonly settings: EventSourceSettings;
  readonly stats: MappingStats;
  /** Stops polling, lets in-flight batches return, saves positions. */
  stop(): Promise<void>;
  /** Settles when the mapping stops; rejects if it failed (e.g. a checkpoint conflict). */
  readonly done: Promise<void>;
};

/**
 * Lambda's Kinesis event-source mapping, in-process: one consumer per shard, a child shard only
 * once its parents are read to their end (after resharding), positions saved as batches finish
 * so a restarted runtime resumes, and the shard list re-read to find new shards.
 */
export async function startEventSource(options: EventSourceOptions): Promise<RunningEventSource> {
  const settings = eventSourceSettings(options.settings);
  const log = options.log ?? (() => undefined);
  const summary = await options.kinesis.send(
    new DescribeStreamSummaryCommand({ StreamName: options.streamName }),
  );
  const stream: StreamIdentity = {
    streamArn: summary.StreamDescriptionSummary?.StreamARN ?? options.streamName,
    region: await options.kinesis.config.region(),
  };
  const stored = await options.positions.load();
  const ended = new Set([...stored].filter(([, p]) => p === 'SHARD_END').map(([id]) => id));
  const running = new Map<string, Promise<void>>();
  const controller = new AbortController();
  const wakeup = new Wakeup();
  const stats = emptyStats();
  let fatal: unknown;

  const startOf = (shard: Shard, hasParent: boolean): IteratorStart => {
    const position = stored.get(shard.ShardId ?? '');
    if (position && position !== 'SHARD_END') {
      return { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: position.sequenceNumber };
    }
    // A child of a shard this mapping read starts at its beginning, as on Lambda.
    if (hasParent) return { type: 'TRIM_HORIZON' };
    if (settings.startingPosition === 'AT_TIMESTAMP') {
      return { type: 'AT_TIMESTAMP', timestamp: settings.startingPositionTimestamp ?? 0 };
    }
    return { type: settings.startingPosition };
  };

  const launch = (shard: Shard, hasParent: boolean) => {
    const shardId = shard.ShardId ?? '';
    const start = startOf(shard, hasParent);
    log(`${shardId}: reading from ${describeStart(start)}`);
    const consumer = consumeShard({
      ...options,
      shardId,
      stream,
      start,
      settings,
      stats,
      log,
      onFailure: options.onFailure,
      signal: controller.signal,
    })
      .then((outcome) => {
        if (outcome === 'ended') {
          ended.add(shardId);
          log(`${shardId}: read to its end (closed by resharding)`);
        }
      })
      .catch((error) => {
        log(
          `${shardId}: stopped the event source: ${error instanceof Error ? error.message : error}`,
        );
        fatal ??= error;
        controller.abort();
      })
      .finally(() => {
        running.delete(shardId);
        wakeup.notify();
      });
    running.set(shardId, consumer);
  };

  const discover = async () => {
    const shards = await listShards(options.kinesis, options.streamName);
    const listed = new Set(shards.map((s) => s.ShardId));
    for (const shard of shards) {
      if (controller.signal.aborted) return;
      const id = shard.ShardId ?? '';
      if (ended.has(id) || running.has(id)) continue;
      const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
        (p): p is string => p !== undefined && listed.has(p),
      );
      if (parents.every((p) => ended.has(p))) launch(shard, parents.length > 0);
    }
  };

  const loop = async () => {
    while (!controller.signal.aborted) {
      try {
        await discover();
      } catch (error) {
        log(`listing the shards of ${options.streamName} failed: ${String(error)}`);
      }
      await wakeup.wait(settings.shardRefreshMs);
    }
    await Promise.all(running.values());
    if (fatal) throw fatal;
  };

  const done = loop();
  done.catch(() => undefined);
  controller.signal.addEventListener('abort', () => wakeup.notify());
  return {
    settings,
    stats,
    done,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

function describeStart(start: IteratorStart): string {
  if (start.type === 'AFTER_SEQUENCE_NUMBER') return `its checkpoint ${start.sequenceNumber}`;
  if (start.type === 'AT_TIMESTAMP')
    return `AT_TIMESTAMP ${new Date(start.timestamp).toISOString()}`;
  return start.type;
}
