import { afterAll, describe, expect, it } from 'vitest';
import { count, sum } from '#lib/aggregates/basic';
import { createKinesisClient } from '#lib/kinesis/client';
import { KinesisSender } from '#lib/kinesis/kinesis-sender';
import { putRecordsCall } from '#lib/kinesis/put-records-call';
import { deleteStream, ensureStream } from '#lib/kinesis/streams';
import { waitForFinalWindows } from '#lib/local/demo/await-final';
import { expectedFinalCounts } from '#lib/local/demo/expected-counts';
import { generatePageViews } from '#lib/local/generate-page-views';
import { type Runtime, startRuntime } from '#lib/local/runtime/runtime';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { readWindows } from '#lib/query/read-windows';
import { createSession } from '#lib/store/session';
import { sliding, tumbling } from '#lib/windows/index';
import { integrationConfig } from '../helpers/integration-config.ts';

const config = integrationConfig();
const pipeline = definePipeline({
  name: 'it_zombies',
  source: { stream: 'cassflow-it-zombies' },
  key: 'page',
  time: 'ts',
  windows: [tumbling('1m'), sliding('3m', '1m')],
  aggregates: { n: count(), total: sum('ms') },
  lateness: { outOfOrder: '5s', allowed: '10s' },
});
let runtime: Runtime | undefined;
afterAll(() => runtime?.stop());

const encoder = new TextEncoder();

describe('invocations stopped at their timeout while their writes are still on the way', () => {
  it('stay exact: what a zombie sent lands late, its retry finds it, nothing counts twice', {
    timeout: 300_000,
  }, async () => {
    // Prepare: every request of the handler waits up to 400 ms before it is sent, and the
    // function times out after 1 s, so many invocations are stopped half way; the writes they
    // already sent land after their retry has begun.
    const kinesis = createKinesisClient(config.kinesis);
    await deleteStream(kinesis, pipeline.stream);
    await ensureStream(kinesis, pipeline.stream, 2);
    runtime = await startRuntime({
      config,
      pipelines: [pipeline],
      log: () => {},
      eventSource: { timeoutSeconds: 1, retryAttempts: -1, retryDelayMs: 100, batchSize: 200 },
      faults: { lateWritesMs: 400 },
    });
    const end = Date.now();
    const start = end - 300_000;
    let i = 0;
    const events = [
      ...generatePageViews({ count: 1500, keys: 5, seed: 9, now: () => start + 200 * i++ }),
    ];

    // Act
    const sender = new KinesisSender({ put: putRecordsCall(kinesis, pipeline.stream) });
    for (const e of events) {
      await sender.add({
        data: encoder.encode(JSON.stringify(e)),
        partitionKey: e.page,
        ref: `event ${e.id}`,
      });
    }
    await sender.flush();

    // Assess: every due window final with exactly its events; and invocations did time out.
    const session = createSession(config.cassandra);
    try {
      const expected = expectedFinalCounts(
        pipeline,
        events.map((e) => ({ key: e.page, ts: e.ts })),
        start + 200 * (events.length - 1) - pipeline.lateness.outOfOrderMs - 10_000,
      );
      await waitForFinalWindows(
        () => readWindows(session, pipeline, { from: start - 300_000 }),
        expected,
        180_000,
      );
      const late = await session.execute(
        `SELECT COUNT(*) AS n FROM ${session.table(pipeline.tables.lateEvents)}`,
      );
      expect(Number(late.first()?.get('n'))).toBe(0);
      const stats = runtime.pipelines[0]?.source.stats;
      console.log(
        `zombies: ${stats?.invocations} invocations, ${stats?.retries} retries, ${stats?.bisections} splits`,
      );
      // Timed-out invocations were retried (a timeout is an error: halves, then retries).
      expect((stats?.retries ?? 0) + (stats?.bisections ?? 0)).toBeGreaterThan(0);
    } finally {
      await session.shutdown();
      kinesis.destroy();
    }
  });
});
