import { setTimeout as sleep } from 'node:timers/promises';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { batchLength, type LaneQueue, laneOf, readyAt } from './batching.ts';
import { CheckpointTracker } from './checkpoint-tracker.ts';
import { type DeliveryContext, deliverBatch } from './deliver-batch.ts';
import { CheckpointConflictError } from './errors.ts';
import { type EventRecord, type StreamIdentity, toEventRecord } from './event-record.ts';
import type { PositionStore } from './positions.ts';
import { LAMBDA_LIMITS } from './settings.ts';
import { type IteratorStart, ShardIterator } from './shard-iterator.ts';
import { shardStats } from './stats.ts';
import { Wakeup } from './wakeup.ts';

export type ShardConsumerOptions = Omit<DeliveryContext, 'finished'> & {
  kinesis: KinesisClient;
  streamName: string;
  stream: StreamIdentity;
  start: IteratorStart;
  positions: PositionStore;
  onRead?: ((shardId: string, records: number) => void) | undefined;
};

type Lane = { queue: LaneQueue; busy: Promise<void> | undefined };

/** Kinesis returns at most 10,000 records per GetRecords call. */
const GET_RECORDS_LIMIT = 10_000;

/**
 * Consumes one shard like Lambda's event-source mapping: polls it, spreads records over
 * `parallelizationFactor` concurrent batches by partition key (each key stays in order), invokes
 * the function when a batch is full or its batching window ends, and checkpoints the highest
 * sequence number below which everything is finished. Resolves 'ended' once a closed shard is
 * fully processed, or 'stopped' when the signal aborts (after in-flight batches return).
 */
export async function consumeShard(options: ShardConsumerOptions): Promise<'ended' | 'stopped'> {
  const { settings, signal, shardId } = options;
  const lanes: Lane[] = Array.from({ length: settings.parallelizationFactor }, () => ({
    queue: { records: [], bytes: 0, since: 0 },
    busy: undefined,
  }));
  const tracker = new CheckpointTracker(
    options.start.type === 'AFTER_SEQUENCE_NUMBER' ? options.start.sequenceNumber : undefined,
  );
  const iterator = new ShardIterator(options.kinesis, options.streamName, shardId, options.start);
  const wakeup = new Wakeup();
  const abort = () => wakeup.notify();
  signal.addEventListener('abort', abort);
  // Bounded read-ahead: a full batch per lane plus one GetRecords page.
  const highWater = settings.batchSize * settings.parallelizationFactor + GET_RECORDS_LIMIT;
  let saving = Promise.resolve();
  let fatal: unknown;
  let finishedSinceSave = 0;
  let nextPollAt = 0;

  const finished = (records: readonly EventRecord[]) => {
    tracker.complete(records.map((r) => r.sequenceNumber));
    finishedSinceSave += records.length;
    const checkpoint = tracker.advance();
    if (checkpoint === undefined) return;
    const count = finishedSinceSave;
    finishedSinceSave = 0;
    saving = saving
      .then(() =>
        saveUntilDone(() => options.positions.save(shardId, { sequenceNumber: checkpoint }, count)),
      )
      .catch((error) => {
        fatal ??= error;
      });
  };
  // Lambda keeps its checkpoints in its own store; here they are in Cassandra, which may be
  // away for a while (a restart): saving waits for it, and a conflict still ends the consumer.
  const saveUntilDone = async (save: () => Promise<void>) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await save();
      } catch (error) {
        if (error instanceof CheckpointConflictError || signal.aborted) throw error;
        options.log(`${shardId}: saving the checkpoint failed (${String(error)}); trying again`);
        await sleep(Math.min(10_000, 250 * 2 ** Math.min(attempt, 6)));
      }
    }
  };
  const ctx: DeliveryContext = { ...options, finished };

  const dispatch = (now: number) => {
    for (const lane of lanes) {
      if (lane.busy) continue;
      const at = readyAt(lane.queue, settings, LAMBDA_LIMITS.maxPayloadBytes, iterator.ended);
      if (at === undefined || at > now) continue;
      const q = lane.queue;
      const n = batchLength(q.records, settings.batchSize, LAMBDA_LIMITS.maxPayloadBytes);
      const batch = q.records.splice(0, n);
      q.bytes -= batch.reduce((sum, r) => sum + r.payloadBytes, 0);
      q.since = now;
      lane.busy = deliverBatch(batch, ctx)
        .catch((error) => {
          fatal ??= error;
        })
        .finally(() => {
          lane.busy = undefined;
          wakeup.notify();
        });
    }
  };

  try {
    while (!signal.aborted) {
      if (fatal) throw fatal;
      let now = Date.now();
      if (!iterator.ended && now >= nextPollAt && tracker.outstanding < highWater) {
        const records = await iterator.next(GET_RECORDS_LIMIT, (why) =>
          options.log(`${shardId}: ${why}`),
        );
        options.stats.polls += 1;
        shardStats(options.stats, shardId).behindMs = iterator.behindMs;
        if (records.length > 0) options.onRead?.(shardId, records.length);
        now = Date.now();
        for (const record of records) {
          const event = toEventRecord(record, shardId, options.stream);
          tracker.add(event.sequenceNumber);
          const lane = lanes[laneOf(event.partitionKey, lanes.length)] as Lane;
          if (lane.queue.records.length === 0) lane.queue.since = now;
          lane.queue.records.push(event);
          lane.queue.bytes += event.payloadBytes;
        }
        const caughtUp = records.length === 0 || iterator.behindMs === 0;
        nextPollAt = caughtUp ? now + settings.pollIntervalMs : now;
      }
      dispatch(now);
      const idle = lanes.every((l) => !l.busy && l.queue.records.length === 0);
      if (iterator.ended && idle) {
        await saving;
        if (fatal) throw fatal;
        await saveUntilDone(() => options.positions.save(shardId, 'SHARD_END', finishedSinceSave));
        options.stats.shardsEnded += 1;
        return 'ended';
      }
      const wakeAt = Math.min(
        iterator.ended || tracker.outstanding >= highWater ? Number.POSITIVE_INFINITY : nextPollAt,
        ...lanes.map((l) =>
          l.busy
            ? Number.POSITIVE_INFINITY
            : (readyAt(l.queue, settings, LAMBDA_LIMITS.maxPayloadBytes, iterator.ended) ??
              Number.POSITIVE_INFINITY),
        ),
      );
      const wait = wakeAt - Date.now();
      if (wait > 0) await wakeup.wait(Math.min(wait, 60_000));
    }
    await Promise.all(lanes.map((l) => l.busy));
    await saving;
    if (fatal) throw fatal;
    return 'stopped';
  } finally {
    signal.removeEventListener('abort', abort);
  }
}
