import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { deliverBatch } from '#lib/emulator/event-source/deliver-batch';
import { type EventRecord, toEventRecord } from '#lib/emulator/event-source/event-record';
import { FailureLog, type FailureRecord } from '#lib/emulator/event-source/on-failure';
import { eventSourceSettings } from '#lib/emulator/event-source/settings';
import { emptyStats } from '#lib/emulator/event-source/stats';
import { guardedClient } from '#lib/emulator/guarded-client';
import { InvocationStoppedError } from '#lib/emulator/invocation-scope';
import { loadPipelineFile } from '#lib/pipeline-file/load-pipeline-file';

const STREAM = {
  streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s',
  region: 'us-east-1',
};

function records(n: number, arrivedAt: number): EventRecord[] {
  return Array.from({ length: n }, (_, i) =>
    toEventRecord(
      {
        SequenceNumber: String(100 + i),
        PartitionKey: `k${i}`,
        Data: Buffer.from(JSON.stringify({ i })),
        ApproximateArrivalTimestamp: new Date(arrivedAt),
      },
      'shardId-000000000000',
      STREAM,
    ),
  );
}

function context(fn: (event: KinesisStreamEvent) => Promise<unknown>, settings = {}) {
  const path = join(mkdtempSync(join(tmpdir(), 'cassflow-delivery-')), 'failures.jsonl');
  const finished: bigint[] = [];
  const stats = emptyStats();
  return {
    path,
    finished,
    stats,
    ctx: {
      fn,
      functionName: 'f',
      shardId: 'shardId-000000000000',
      settings: eventSourceSettings({ retryDelayMs: 0, ...settings }),
      onFailure: new FailureLog(path),
      stats,
      log: () => undefined,
      signal: new AbortController().signal,
      finished: (done: readonly EventRecord[]) =>
        finished.push(...done.map((r) => r.sequenceNumber)),
    },
  };
}

function described(path: string): FailureRecord[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as FailureRecord);
}

describe('delivering a batch', () => {
  it('discards records past the maximum record age without invoking for them', async () => {
    // Prepare: 3 records that arrived 2 minutes ago, 2 that just arrived; maximum age 60 s.
    const seen: number[] = [];
    const { ctx, path, finished, stats } = context(
      async (event) => {
        seen.push(event.Records.length);
        return { batchItemFailures: [] };
      },
      { maxRecordAgeSeconds: 60 },
    );
    const batch = [...records(3, Date.now() - 120_000), ...records(2, Date.now())];

    // Act
    await deliverBatch(batch, ctx);

    // Assess
    expect(seen).toEqual([2]);
    expect(finished).toHaveLength(5);
    const [failure] = described(path);
    expect(failure?.requestContext.condition).toBe('RecordAgeExceeded');
    expect(failure?.KinesisBatchInfo.batchSize).toBe(3);
    expect(stats.expired).toBe(3);
  });

  it('counts an invocation past the timeout as an error, then retries', async () => {
    // Prepare: the first call outlasts a 1 s timeout; the second returns at once.
    let calls = 0;
    const { ctx, finished, stats } = context(
      async () => {
        calls += 1;
        if (calls === 1) await new Promise((resolve) => setTimeout(resolve, 1500));
        return { batchItemFailures: [] };
      },
      { timeoutSeconds: 1, retryAttempts: 1 },
    );

    // Act
    await deliverBatch(records(4, Date.now()), ctx);

    // Assess
    expect(calls).toBe(2);
    expect(stats.retries).toBe(1);
    expect(finished).toHaveLength(4);
  });

  it('stops an invocation at its timeout: what it would send later never reaches the store', async () => {
    // Prepare: a store client that records what reaches it; the first call outlasts a 1 s
    // timeout and then writes; a late-landing request was already in flight when it stopped.
    const reached: string[] = [];
    const store = {
      execute: async (query: string) => {
        reached.push(query);
        return {} as never;
      },
      batch: async () => ({}) as never,
      shutdown: async () => {},
    };
    const client = guardedClient(store as never);
    const slowClient = guardedClient(store as never, { lateWritesMs: 1 });
    let calls = 0;
    let refused: unknown;
    let zombieDone: Promise<void> | undefined;
    const { ctx, stats } = context(
      async () => {
        calls += 1;
        if (calls === 1) {
          const inFlight = slowClient.execute('in flight before the timeout');
          zombieDone = (async () => {
            await new Promise((resolve) => setTimeout(resolve, 1500));
            try {
              await client.execute('after the timeout');
            } catch (error) {
              refused = error;
            }
          })();
          await inFlight;
          await zombieDone;
        }
        return { batchItemFailures: [] };
      },
      { timeoutSeconds: 1, retryAttempts: 1 },
    );

    // Act
    await deliverBatch(records(2, Date.now()), ctx);
    await zombieDone;

    // Assess: retried after the timeout; the request after it was refused, the one before landed.
    expect(stats.retries).toBe(1);
    expect(refused).toBeInstanceOf(InvocationStoppedError);
    expect(reached).toEqual(['in flight before the timeout']);
  });

  it('passes a Lambda-shaped event: base64 data, eventID, source ARN', async () => {
    let event: KinesisStreamEvent | undefined;
    const { ctx } = context(async (e) => {
      event = e;
    });
    await deliverBatch(records(1, 1_767_225_600_000), ctx);
    const r = event?.Records[0];
    expect(r?.eventID).toBe('shardId-000000000000:100');
    expect(r?.eventSourceARN).toBe(STREAM.streamArn);
    expect(r?.kinesis.approximateArrivalTimestamp).toBe(1_767_225_600);
    expect(JSON.parse(Buffer.from(r?.kinesis.data ?? '', 'base64').toString())).toEqual({ i: 0 });
  });
});

describe('a file for cassflow run', () => {
  it('gives its pipelines and scheduled functions, and names a bad schedule', async () => {
    // Inside the package, so the files can import 'cassflow' as a user's project would.
    mkdirSync('.cache', { recursive: true });
    const dir = mkdtempSync(join('.cache', 'test-file-'));
    const good = join(dir, 'good.ts');
    writeFileSync(
      good,
      `import { count, defineScheduledFunction, definePipeline, tumbling } from 'cassflow';
export default definePipeline({ name: 'p', source: { stream: 's' }, key: 'k', time: 't',
  windows: [tumbling('1m')], aggregates: { n: count() } });
export const report = defineScheduledFunction({ name: 'report', schedule: 'rate(5 minutes)',
  handler: async () => undefined });\n`,
    );
    const bad = join(dir, 'bad.ts');
    writeFileSync(
      bad,
      `import { defineScheduledFunction } from 'cassflow';
export const r = defineScheduledFunction({ name: 'r', schedule: 'cron(0 25 * * ? *)', handler: async () => 1 });\n`,
    );
    const file = await loadPipelineFile(good);
    expect(file.pipelines.map((p) => p.name)).toEqual(['p']);
    expect(file.scheduled.map((s) => [s.name, s.schedule])).toEqual([
      ['report', 'rate(5 minutes)'],
    ]);
    await expect(loadPipelineFile(bad)).rejects.toThrow(/Hours: 25 is out of range 0-23/);
    await expect(loadPipelineFile(join(dir, 'missing.ts'))).rejects.toThrow(/no such file/);
  });
});
