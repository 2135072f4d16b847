import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeStreamSummaryCommand, UpdateShardCountCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStream } from '#lib/kinesis/streams';
import { conformanceTarget } from '../helpers/conformance/choose-target.ts';
import {
  type ConformanceTarget,
  eventually,
  idsOf,
  type ProbeEntry,
  type ProbeMapping,
  probeRecords,
} from '../helpers/conformance/target.ts';

// One test per Lambda event-source setting docs/local-stack.md's emulator table lists, plus the delivery
// cadence, against the emulator (or LocalStack: docs/event-source-conformance.md).
let target: ConformanceTarget;
let aged: { stream: string; putAt: number };
const mappings: ProbeMapping[] = [];

beforeAll(async () => {
  target = await conformanceTarget();
  // Records that will be older than a minute when the MaximumRecordAgeInSeconds test runs last.
  const stream = await target.stream('aged', 1);
  await target.put(stream, probeRecords(5, 1));
  aged = { stream, putAt: Date.now() };
});
afterAll(async () => {
  await Promise.allSettled(mappings.map((m) => m.stop()));
  await target.close();
});

const map: ConformanceTarget['map'] = async (...args) => {
  const mapping = await target.map(...args);
  mappings.push(mapping);
  return mapping;
};
const starts = (entries: readonly ProbeEntry[]) => entries.filter((e) => e.type === 'start');
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
const median = (values: readonly number[]) =>
  sorted([...values])[Math.floor(values.length / 2)] ?? 0;
/** Waits until the mapping's invocations have seen every id in `ids`. */
const seenAll = (mapping: ProbeMapping, ids: readonly number[]) =>
  eventually(
    `the probe to see ${ids.length} records`,
    () => mapping.entries(),
    (entries) => {
      const seen = new Set(idsOf(entries));
      return ids.every((id) => seen.has(id));
    },
    target.patienceMs,
  );

// LocalStack deploys a function per mapping and is slower to deliver: give each test room to fail
// with the suite's own message (a wait that ran out) rather than vitest's timeout.
const TEST_TIMEOUT_MS =
  process.env.CASSFLOW_CONFORMANCE_TARGET === 'localstack' ? 900_000 : 120_000;

describe('the Kinesis event-source mapping, setting by setting', {
  timeout: TEST_TIMEOUT_MS,
}, () => {
  it('StartingPosition: TRIM_HORIZON reads all, LATEST what comes after, AT_TIMESTAMP from then', async () => {
    const stream = await target.stream('start', 1);
    await target.put(stream, probeRecords(20, 2));
    await sleep(1100);
    const between = Date.now();
    await sleep(1100);
    await target.put(stream, probeRecords(15, 2, 20));
    const trim = await map(stream, 'trim-horizon', { StartingPosition: 'TRIM_HORIZON' });
    const latest = await map(stream, 'latest', { StartingPosition: 'LATEST' });
    const atTime = await map(stream, 'at-timestamp', {
      StartingPosition: 'AT_TIMESTAMP',
      StartingPositionTimestamp: between,
    });
    await seenAll(trim, range(0, 35));
    await seenAll(atTime, range(20, 15));
    // LATEST means from when the mapping's iterator opened, which a test cannot see: put one
    // record at a time until the LATEST mapping sees one, then five more.
    let next = 35;
    const first = await eventually(
      'the LATEST mapping to see a record',
      async () => {
        await target.put(stream, [{ id: next++, key: 'key-1' }]);
        return idsOf(await latest.entries());
      },
      (ids) => ids.length > 0,
      target.patienceMs,
    );
    await target.put(stream, probeRecords(5, 2, next));
    const end = next + 5;
    const firstLatest = first[0] ?? 0;
    await seenAll(latest, range(firstLatest, end - firstLatest));
    await seenAll(trim, range(0, end));
    await seenAll(atTime, range(20, end - 20));

    expect(firstLatest).toBeGreaterThanOrEqual(35);
    expect(idsOf(await latest.entries())).toEqual(range(firstLatest, end - firstLatest));
    expect(idsOf(await trim.entries())).toEqual(range(0, end));
    expect(idsOf(await atTime.entries())).toEqual(range(20, end - 20));
  });

  it('BatchSize: at most that many records an invocation, full while records wait', async () => {
    const stream = await target.stream('size', 1);
    await target.put(stream, probeRecords(250, 3));
    const mapping = await map(stream, 'batch-size', { BatchSize: 100 });
    const entries = await seenAll(mapping, range(0, 250));

    expect(starts(entries).map((e) => e.records.length)).toEqual([100, 100, 50]);
    expect(idsOf(entries)).toEqual(range(0, 250));
  });

  it('MaximumBatchingWindowInSeconds: records arriving within the window go in one invocation', async () => {
    const stream = await target.stream('window', 1);
    const mapping = await map(stream, 'batching-window', {
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 10,
    });
    for (let burst = 0; burst < 3; burst++) {
      await target.put(stream, probeRecords(10, 3, burst * 10));
      await sleep(300);
    }
    const entries = await seenAll(mapping, range(0, 30));

    expect(starts(entries).map((e) => e.records.length)).toEqual([30]);
  });

  it('Invocation payload: batches are cut to stay within 6 MB', async () => {
    // 10 records of 500 KB: 6.7 MB once base64-encoded, so at least two invocations.
    const stream = await target.stream('payload', 1);
    const big = probeRecords(10, 2).map((r) => ({ ...r, pad: 'x'.repeat(500_000) }));
    await target.put(stream, big);
    const mapping = await map(stream, 'payload', { BatchSize: 100 });
    const entries = await seenAll(mapping, range(0, 10));

    const payloads = starts(entries).map((e) => e.payloadBytes ?? Number.NaN);
    expect(payloads.length).toBeGreaterThan(1);
    for (const bytes of payloads) expect(bytes).toBeLessThanOrEqual(6 * 1024 * 1024);
    expect(idsOf(entries)).toEqual(range(0, 10));
  });

  it('FunctionResponseTypes ReportBatchItemFailures: the retry starts at the reported record', async () => {
    const stream = await target.stream('partial', 1);
    const records = probeRecords(50, 5).map((r) => (r.id === 20 ? { ...r, failTimes: 1 } : r));
    await target.put(stream, records);
    const mapping = await map(stream, 'report-failures', {
      BatchSize: 100,
      ReportBatchItemFailures: true,
    });
    const entries = await eventually(
      'the retry',
      () => mapping.entries(),
      (e) => starts(e).length >= 2,
      target.patienceMs,
    );

    const [first, retry] = starts(entries);
    expect(first?.records.map((r) => r.id)).toEqual(range(0, 50));
    expect(retry?.records[0]?.sequenceNumber).toBe(first?.records[20]?.sequenceNumber);
    expect(retry?.records.map((r) => r.id)).toEqual(range(20, 30));
  });

  it('BisectBatchOnFunctionError: halves down to the failing record, which alone is discarded', async () => {
    const stream = await target.stream('bisect', 1);
    const records = probeRecords(64, 4).map((r) => (r.id === 37 ? { ...r, throw: true } : r));
    await target.put(stream, records);
    const mapping = await map(stream, 'bisect', {
      BatchSize: 64,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 2,
    });
    const failures = await eventually(
      'the discarded record',
      () => mapping.failures(),
      (f) => f.length > 0,
      target.patienceMs,
    );
    // The halves after the poison are delivered after its discard, and the poisoned batches
    // already hold their ids: wait for each id in a batch without the poison.
    const entries = await eventually(
      'every other record in a batch without the poison',
      () => mapping.entries(),
      (e) => {
        const clean = new Set(idsOf(starts(e).filter((s) => !s.records.some((r) => r.id === 37))));
        return range(0, 64).every((id) => id === 37 || clean.has(id));
      },
      target.patienceMs,
    );

    const withPoison = starts(entries).filter((e) => e.records.some((r) => r.id === 37));
    // 64 → 32 → 16 → 8 → 4 → 2 → 1, then the lone record's 2 retries.
    expect(withPoison.map((e) => e.records.length)).toEqual([64, 32, 16, 8, 4, 2, 1, 1, 1]);
    const succeeded = starts(entries)
      .filter((e) => !e.records.some((r) => r.id === 37))
      .flatMap((e) => e.records.map((r) => r.id));
    expect(sorted(succeeded)).toEqual(range(0, 64).filter((id) => id !== 37));
    expect(failures).toHaveLength(1);
    expect(failures[0]?.KinesisBatchInfo.batchSize).toBe(1);
  });

  it('MaximumRetryAttempts: a failing batch is tried 1 + n times, then skipped', async () => {
    const stream = await target.stream('retries', 1);
    const records = probeRecords(30, 3).map((r) => (r.id === 15 ? { ...r, throw: true } : r));
    await target.put(stream, records);
    const mapping = await map(stream, 'retries', { BatchSize: 10, MaximumRetryAttempts: 2 });
    const entries = await seenAll(mapping, range(0, 30));
    await eventually(
      'the discard',
      () => mapping.failures(),
      (f) => f.length > 0,
      5_000,
    );

    const tries = starts(entries).filter((e) => e.records.some((r) => r.id === 15));
    expect(tries).toHaveLength(3);
    for (const t of tries) expect(t.records.map((r) => r.id)).toEqual(range(10, 10));
    // The rest of the shard goes on after the discarded batch, each record once.
    expect(idsOf(starts(entries).filter((e) => !tries.includes(e)))).toEqual([
      ...range(0, 10),
      ...range(20, 10),
    ]);
  });

  it('DestinationConfig.OnFailure: a discarded batch is described with its KinesisBatchInfo', async () => {
    const stream = await target.stream('on-failure', 1);
    const records = probeRecords(8, 2).map((r) => (r.id === 3 ? { ...r, throw: true } : r));
    await target.put(stream, records);
    const mapping = await map(stream, 'on-failure', { BatchSize: 8, MaximumRetryAttempts: 0 });
    const [failure] = await eventually(
      'the failure record',
      () => mapping.failures(),
      (f) => f.length > 0,
      target.patienceMs,
    );
    const [only] = starts(await mapping.entries());
    const summary = await target.kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: stream }),
    );

    const info = failure?.KinesisBatchInfo;
    expect(failure?.requestContext.condition).toBe('RetryAttemptsExhausted');
    expect(failure?.requestContext.approximateInvokeCount).toBe(1);
    expect(info?.batchSize).toBe(8);
    expect(info?.shardId).toBe(only?.records[0]?.shardId);
    expect(info?.startSequenceNumber).toBe(only?.records[0]?.sequenceNumber);
    expect(info?.endSequenceNumber).toBe(only?.records[7]?.sequenceNumber);
    expect(info?.streamArn).toBe(summary.StreamDescriptionSummary?.StreamARN);
    expect(Date.parse(info?.approximateArrivalOfFirstRecord ?? '')).toBeGreaterThan(0);
  });

  it('ParallelizationFactor: batches of one shard run side by side, each key in order', async () => {
    const stream = await target.stream('parallel', 1);
    const records = probeRecords(2000, 40).map((r) => ({ ...r, holdMs: 20 }));
    await target.put(stream, records);
    const mapping = await map(stream, 'parallel', { BatchSize: 25, ParallelizationFactor: 4 });
    const entries = await seenAll(mapping, range(0, 2000));

    const ends = new Map(entries.filter((e) => e.type === 'end').map((e) => [e.requestId, e.at]));
    const spans = starts(entries).map((e) => ({ from: e.at, to: ends.get(e.requestId) ?? e.at }));
    const peak = Math.max(
      ...spans.map((s) => spans.filter((o) => o.from <= s.from && s.from < o.to).length),
    );
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(4);
    const byKey = new Map<string, number[]>();
    for (const e of starts(entries).sort((a, b) => a.at - b.at)) {
      for (const r of e.records) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.id]);
    }
    expect(byKey.size).toBe(40);
    for (const ids of byKey.values()) expect(ids).toEqual(sorted(ids));
    expect(sorted(idsOf(entries))).toEqual(range(0, 2000));
  });

  it('Resharding: a child shard is read only after its parent is read to its end', async () => {
    const stream = await target.stream('reshard', 1);
    await target.put(stream, probeRecords(300, 10));
    await target.kinesis.send(
      new UpdateShardCountCommand({
        StreamName: stream,
        TargetShardCount: 2,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    await ensureStream(target.kinesis, stream, 1); // waits until ACTIVE again
    await target.put(stream, probeRecords(300, 10, 300));
    const mapping = await map(stream, 'reshard', { BatchSize: 40 });
    const entries = await seenAll(mapping, range(0, 600));

    const parentId = starts(entries)[0]?.records[0]?.shardId;
    const parent = starts(entries).filter((e) => e.records[0]?.shardId === parentId);
    const children = starts(entries).filter((e) => e.records[0]?.shardId !== parentId);
    const parentDone = Math.max(
      ...entries
        .filter((e) => e.type === 'end' && e.records[0]?.shardId === parentId)
        .map((e) => e.at),
    );
    expect(idsOf(parent)).toEqual(range(0, 300));
    expect(new Set(children.map((e) => e.records[0]?.shardId)).size).toBe(2);
    for (const child of children) expect(child.at).toBeGreaterThanOrEqual(parentDone);
    expect(sorted(idsOf(entries))).toEqual(range(0, 600));
  });

  it('Checkpoints: a mapping stopped and started again resumes where it was, losing nothing', async () => {
    const stream = await target.stream('restart', 2);
    await target.put(stream, probeRecords(600, 12));
    const settings = { BatchSize: 50 };
    const first = await map(stream, 'checkpoints', settings);
    await eventually(
      'part of the stream',
      () => first.entries(),
      (e) => idsOf(e).length >= 200,
      target.patienceMs,
    );
    await first.stop();
    const stoppedAt = Date.now();
    const afterStop = idsOf(await first.entries()).length;
    await target.put(stream, probeRecords(100, 12, 600));
    const second = await map(stream, 'checkpoints', settings);
    const entries = await seenAll(second, range(0, 700));
    await sleep(500);

    expect(sorted(idsOf(await second.entries()))).toEqual(range(0, 700));
    const resumed = idsOf(starts(entries).filter((e) => e.at > stoppedAt));
    expect(resumed.length).toBe(700 - afterStop);
  });

  it('Function timeout: the invocation is stopped where it is, counted as an error and retried', async () => {
    const stream = await target.stream('timeout', 1);
    const records = probeRecords(5, 1).map((r) =>
      r.id === 0 ? { ...r, sleepMs: 3000, sleepTimes: 1 } : r,
    );
    await target.put(stream, records);
    const mapping = await map(stream, 'timeout', { BatchSize: 10, TimeoutSeconds: 1 });
    await eventually(
      'the retry to finish',
      () => mapping.entries(),
      (e) => e.filter((x) => x.type === 'end').length >= 1,
      target.patienceMs,
    );
    await sleep(3500); // past the end of the first invocation's sleep, had it gone on

    const entries = await mapping.entries();
    const [timedOut, retry] = starts(entries);
    expect(timedOut?.records.map((r) => r.id)).toEqual(range(0, 5));
    expect(retry?.records.map((r) => r.id)).toEqual(range(0, 5));
    const ended = entries.filter((e) => e.type === 'end').map((e) => e.requestId);
    // The stopped invocation never reached its end, even once its sleep was over.
    expect(ended).toEqual([retry?.requestId]);
  });

  it('cadence when caught up: polled about once a second, each record within a few seconds', async () => {
    const stream = await target.stream('cadence', 1);
    const mapping = await map(stream, 'cadence', {}, { lambdaTiming: true });
    // A first record, so that the function's cold start is not in the figures.
    await target.put(stream, [{ id: 100, key: 'k' }]);
    await seenAll(mapping, [100]);
    const putAt = new Map<number, number>();
    for (let id = 0; id < 24; id++) {
      await target.put(stream, [{ id, key: 'k' }]);
      putAt.set(id, Date.now());
      await sleep(250);
    }
    const entries = starts(await seenAll(mapping, range(0, 24))).filter(
      (e) => !e.records.some((r) => r.id === 100),
    );

    // Lambda polls a caught-up shard once a second and invokes as soon as a poll finds records.
    const latencies = entries.flatMap((e) => e.records.map((r) => e.at - (putAt.get(r.id) ?? 0)));
    expect(median(latencies)).toBeLessThan(1_500);
    expect(Math.max(...latencies)).toBeLessThan(3_000);
    const gaps = entries.slice(1).map((e, i) => e.at - (entries[i]?.at ?? 0));
    expect(entries.length).toBeGreaterThanOrEqual(3);
    expect(entries.length).toBeLessThanOrEqual(12);
    expect(median(gaps)).toBeGreaterThan(600);
  });

  it('cadence under a backlog: the next batch is invoked as soon as the last one returns', async () => {
    const stream = await target.stream('backlog', 1);
    await target.put(stream, probeRecords(3000, 10));
    const mapping = await map(stream, 'backlog', { BatchSize: 100 }, { lambdaTiming: true });
    const entries = await seenAll(mapping, range(0, 3000));

    const runs = starts(entries);
    const ends = new Map(entries.filter((e) => e.type === 'end').map((e) => [e.requestId, e.at]));
    const waits = runs.slice(1).map((e, i) => e.at - (ends.get(runs[i]?.requestId ?? '') ?? 0));
    expect(runs).toHaveLength(30);
    // Well under the 1 s poll of a caught-up shard: the next batch was read at once.
    expect(median(waits)).toBeLessThan(500);
    expect((runs.at(-1)?.at ?? 0) - (runs[0]?.at ?? 0)).toBeLessThan(15_000);
  });

  it('MaximumRecordAgeInSeconds: records older than that are discarded without an invocation', async () => {
    await sleep(Math.max(0, aged.putAt + 61_000 - Date.now()));
    await target.put(aged.stream, probeRecords(3, 1, 5));
    const mapping = await map(aged.stream, 'record-age', { MaximumRecordAgeInSeconds: 60 });
    const entries = await seenAll(mapping, range(5, 3));
    const failures = await eventually(
      'the discard',
      () => mapping.failures(),
      (f) => f.length > 0,
      5_000,
    );

    expect(idsOf(entries)).toEqual(range(5, 3));
    expect(failures.map((f) => f.requestContext.condition)).toEqual(['RecordAgeExceeded']);
    expect(failures[0]?.KinesisBatchInfo.batchSize).toBe(5);
  });
});
