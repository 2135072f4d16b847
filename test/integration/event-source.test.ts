import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UpdateShardCountCommand } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStream } from '#lib/kinesis/streams';
import { startEventSource } from '#lib/local/event-source/event-source';
import { FailureLog, type FailureRecord } from '#lib/local/event-source/on-failure';
import { MemoryPositions } from '#lib/local/event-source/positions';
import {
  eventSourceHarness,
  FAST,
  type Invocation,
  keyedRecords,
  seen,
  waitFor,
} from '../helpers/event-source-harness.ts';

let harness: Awaited<ReturnType<typeof eventSourceHarness>>;
beforeAll(async () => {
  harness = await eventSourceHarness();
});
afterAll(() => harness.close());

/** A function that records what it is given and answers with `answer`. */
function recorder(
  answer: (records: Invocation['records'], call: number) => Promise<unknown> | unknown = () => ({
    batchItemFailures: [],
  }),
) {
  const calls: Invocation[] = [];
  const fn = async (event: KinesisStreamEvent) => {
    const records = seen(event);
    const startedAt = Date.now();
    const result = await answer(records, calls.length);
    calls.push({ records, startedAt, endedAt: Date.now() });
    return result;
  };
  return { calls, fn };
}

function ids(calls: readonly Invocation[]): number[] {
  return calls.flatMap((c) => c.records.map((r) => r.id));
}

describe('Kinesis event-source emulator against the local Kinesis', () => {
  it('retries a batch from the sequence number its function reported as failed', async () => {
    // Prepare: one shard, 50 records; the first call fails at the 21st record.
    const stream = await harness.stream('partial', 1);
    await harness.put(stream, keyedRecords(50, 5));
    let failedSequence = '';
    const { calls, fn } = recorder((records, call) => {
      if (call > 0) return { batchItemFailures: [] };
      failedSequence = records[20]?.sequenceNumber ?? '';
      return { batchItemFailures: [{ itemIdentifier: failedSequence }] };
    });

    // Act
    const source = await startEventSource({
      kinesis: harness.kinesis,
      streamName: stream,
      functionName: 'partial',
      fn,
      positions: new MemoryPositions(),
      settings: { ...FAST, batchSize: 100, reportBatchItemFailures: true },
    });
    await waitFor('every record', () => source.stats.records === 50);
    await source.stop();

    // Assess: the retry starts exactly at the failed record, and nothing is processed twice after it.
    expect(calls[0]?.records.map((r) => r.id)).toEqual([...Array(50).keys()]);
    expect(calls[1]?.records[0]?.sequenceNumber).toBe(failedSequence);
    expect(calls[1]?.records.map((r) => r.id)).toEqual([...Array(30).keys()].map((i) => i + 20));
    expect(source.stats.retries).toBe(1);
  });

  it('bisects to a poison record, sends it to the failure destination after the retries, and goes on', async () => {
    // Prepare: 64 records on one shard; record 37 makes the function throw every time.
    const stream = await harness.stream('poison', 1);
    await harness.put(stream, keyedRecords(64, 4));
    const failures = join(mkdtempSync(join(tmpdir(), 'cassflow-es-')), 'failures.jsonl');
    const processed: number[] = [];
    const { calls, fn } = recorder((records) => {
      if (records.some((r) => r.id === 37)) throw new Error('poison record 37');
      processed.push(...records.map((r) => r.id));
      return { batchItemFailures: [] };
    });

    // Act
    const source = await startEventSource({
      kinesis: harness.kinesis,
      streamName: stream,
      functionName: 'poison',
      fn,
      positions: new MemoryPositions(),
      onFailure: new FailureLog(failures),
      settings: { ...FAST, batchSize: 64, bisectBatchOnError: true, retryAttempts: 2 },
    });
    await waitFor('the rest of the shard', () => processed.length === 63);
    await source.stop();

    // Assess: only record 37 is discarded, described once with Lambda's batch info.
    expect(processed.sort((a, b) => a - b)).toEqual([...Array(64).keys()].filter((i) => i !== 37));
    const described = readFileSync(failures, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as FailureRecord);
    expect(described).toHaveLength(1);
    const info = described[0]?.KinesisBatchInfo;
    expect(info?.batchSize).toBe(1);
    expect(info?.startSequenceNumber).toBe(info?.endSequenceNumber);
    expect(described[0]?.requestContext.condition).toBe('RetryAttemptsExhausted');
    expect(described[0]?.errorMessage).toBe('poison record 37');
    expect(calls.every((c) => !c.records.some((r) => r.id === 37))).toBe(true);
    // 64 → 32 → 16 → 8 → 4 → 2 → 1 halvings, then the single record: 1 try + 2 retries.
    expect(source.stats.bisections).toBe(6);
    expect(source.stats.retries).toBe(2);
    expect(source.stats.discarded).toBe(1);
  });

  it('shapes batches by batch size and by the batching window', async () => {
    // Prepare: 250 records at once, then three bursts of 10 records 300 ms apart, well inside a
    // batching window of 10 s however slow the puts are.
    const bySize = await harness.stream('size', 1);
    await harness.put(bySize, keyedRecords(250, 3));
    const windowed = await harness.stream('window', 1);
    const sized = recorder();
    const gathered = recorder();

    // Act
    const sizeSource = await startEventSource({
      kinesis: harness.kinesis,
      streamName: bySize,
      functionName: 'size',
      fn: sized.fn,
      positions: new MemoryPositions(),
      settings: { ...FAST, batchSize: 100 },
    });
    const windowSource = await startEventSource({
      kinesis: harness.kinesis,
      streamName: windowed,
      functionName: 'window',
      fn: gathered.fn,
      positions: new MemoryPositions(),
      settings: { ...FAST, batchSize: 1000, maxBatchingWindowSeconds: 10 },
    });
    for (let burst = 0; burst < 3; burst++) {
      await harness.put(windowed, keyedRecords(10, 3, burst * 10));
      await sleep(300);
    }
    await waitFor(
      'both streams',
      () => sizeSource.stats.records === 250 && windowSource.stats.records === 30,
    );
    await Promise.all([sizeSource.stop(), windowSource.stop()]);

    // Assess
    expect(sized.calls.map((c) => c.records.length)).toEqual([100, 100, 50]);
    expect(ids(sized.calls)).toEqual([...Array(250).keys()]);
    expect(gathered.calls.map((c) => c.records.length)).toEqual([30]);
  });

  it('keeps each partition key in order with a parallelization factor of 4', async () => {
    // Prepare: one shard, 2,000 records over 40 keys; the function takes a few ms per call.
    const stream = await harness.stream('parallel', 1);
    await harness.put(stream, keyedRecords(2000, 40));
    let inFlight = 0;
    let peak = 0;
    const { calls, fn } = recorder(async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await sleep(5 + Math.random() * 20);
      inFlight -= 1;
      return { batchItemFailures: [] };
    });

    // Act
    const source = await startEventSource({
      kinesis: harness.kinesis,
      streamName: stream,
      functionName: 'parallel',
      fn,
      positions: new MemoryPositions(),
      settings: { ...FAST, batchSize: 25, parallelizationFactor: 4 },
    });
    await waitFor('every record', () => source.stats.records === 2000);
    await source.stop();

    // Assess: batches of one shard ran side by side, yet within a key ids only ever rise.
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(4);
    const byKey = new Map<string, number[]>();
    for (const c of [...calls].sort((a, b) => a.startedAt - b.startedAt)) {
      for (const r of c.records) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.id]);
    }
    expect(byKey.size).toBe(40);
    for (const [, keyIds] of byKey) expect(keyIds).toEqual([...keyIds].sort((a, b) => a - b));
    expect(ids(calls).sort((a, b) => a - b)).toEqual([...Array(2000).keys()]);
  });

  it('resumes from its stored checkpoint after a restart, losing nothing', async () => {
    // Prepare: 600 records on 2 shards; positions in Cassandra.
    const stream = await harness.stream('restart', 2);
    await harness.put(stream, keyedRecords(600, 12));
    const first = recorder();
    const settings = { ...FAST, batchSize: 50 };

    // Act: stop the first runtime part-way, then put more and start a second one.
    const run1 = await startEventSource({
      kinesis: harness.kinesis,
      streamName: stream,
      functionName: 'restart',
      fn: first.fn,
      positions: harness.positions('restart', stream),
      settings,
    });
    await waitFor('part of the stream', () => run1.stats.records >= 200);
    await run1.stop();
    await harness.put(stream, keyedRecords(100, 12, 600));
    const second = recorder();
    const run2 = await startEventSource({
      kinesis: harness.kinesis,
      streamName: stream,
      functionName: 'restart',
      fn: second.fn,
      positions: harness.positions('restart', stream),
      settings,
    });
    await waitFor(
      'the rest',
      () => new Set([...ids(first.calls), ...ids(second.calls)]).size === 700,
    );
    await sleep(500);
    await run2.stop();

    // Assess: every record once across both runs; the second run did not start over.
    const all = [...ids(first.calls), ...ids(second.calls)];
    expect(all.sort((a, b) => a - b)).toEqual([...Array(700).keys()]);
    expect(ids(second.calls).length).toBeLessThan(700 - 200 + 1);
  });

  it('reads a resharded stream parent first', async () => {
    // Prepare: 300 records into one shard, then split it in two and put 300 more.
    const stream = await harness.stream('reshard', 1);
    await harness.put(stream, keyedRecords(300, 10));
    await harness.kinesis.send(
      new UpdateShardCountCommand({
        StreamName: stream,
        TargetShardCount: 2,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    await ensureStream(harness.kinesis, stream, 1); // waits until ACTIVE again
    await harness.put(stream, keyedRecords(300, 10, 300));
    const { calls, fn } = recorder(async () => {
      await sleep(2);
      return { batchItemFailures: [] };
    });

    // Act
    const source = await startEventSource({
      kinesis: harness.kinesis,
      streamName: stream,
      functionName: 'reshard',
      fn,
      positions: harness.positions('reshard', stream),
      settings: { ...FAST, batchSize: 40 },
    });
    await waitFor('both generations', () => source.stats.records === 600);
    await source.stop();

    // Assess: the parent shard's records all came before any child's, and each key stayed in order.
    const ordered = [...calls].sort((a, b) => a.startedAt - b.startedAt);
    const parent = ordered
      .flatMap((c) => c.records)
      .filter((r) => r.shardId === 'shardId-000000000000');
    const lastParentEnd = Math.max(
      ...ordered
        .filter((c) => c.records[0]?.shardId === 'shardId-000000000000')
        .map((c) => c.endedAt),
    );
    const children = ordered.filter((c) => c.records[0]?.shardId !== 'shardId-000000000000');
    expect(parent.map((r) => r.id)).toEqual([...Array(300).keys()]);
    expect(new Set(children.map((c) => c.records[0]?.shardId)).size).toBe(2);
    for (const c of children) expect(c.startedAt).toBeGreaterThanOrEqual(lastParentEnd);
    expect(ids(calls).sort((a, b) => a - b)).toEqual([...Array(600).keys()]);
    expect(source.stats.shardsEnded).toBe(1);
  });
  it('starts where told: LATEST skips what is there, AT_TIMESTAMP starts at that arrival time', async () => {
    // Prepare: 20 records, a pause, then 15 more.
    const stream = await harness.stream('start', 1);
    await harness.put(stream, keyedRecords(20, 2));
    await sleep(1100);
    const between = Date.now();
    await sleep(1100);
    await harness.put(stream, keyedRecords(15, 2, 20));
    const latest = recorder();
    const atTime = recorder();

    // Act: LATEST starts now, then 5 more records arrive.
    const fromLatest = await startEventSource({
      kinesis: harness.kinesis,
      streamName: stream,
      functionName: 'latest',
      fn: latest.fn,
      positions: new MemoryPositions(),
      settings: { ...FAST, startingPosition: 'LATEST' },
    });
    const fromTime = await startEventSource({
      kinesis: harness.kinesis,
      streamName: stream,
      functionName: 'at-timestamp',
      fn: atTime.fn,
      positions: new MemoryPositions(),
      settings: { ...FAST, startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: between },
    });
    // LATEST means after the iterator was opened: once a GetRecords has answered, it was.
    await waitFor('the LATEST reader to poll once', () => fromLatest.stats.polls > 0);
    await harness.put(stream, keyedRecords(5, 2, 35));
    await waitFor(
      'both mappings',
      () => fromLatest.stats.records === 5 && fromTime.stats.records === 20,
    );
    await Promise.all([fromLatest.stop(), fromTime.stop()]);

    // Assess
    expect(ids(latest.calls).sort((a, b) => a - b)).toEqual([35, 36, 37, 38, 39]);
    expect(ids(atTime.calls).sort((a, b) => a - b)).toEqual(
      [...Array(20).keys()].map((i) => i + 20),
    );
  });
});
