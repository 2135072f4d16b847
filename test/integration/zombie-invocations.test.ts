import { afterAll, describe, expect, it } from 'vitest';
import { count, sum } from '#lib/aggregates/basic';
import { createKinesisClient } from '#lib/kinesis/client';
import { deleteStream, ensureStream } from '#lib/kinesis/streams';
import { type Runtime, startRuntime } from '#lib/local/runtime/runtime';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { sliding, tumbling } from '#lib/windows/index';
import { integrationConfig } from '../helpers/integration-config.ts';
import {
  expectFinalAndExact,
  pageViewsEndingNow,
  sendPageViews,
} from '../helpers/page-view-runs.ts';

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

const _encoder = new TextEncoder();

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
    const run = pageViewsEndingNow(1500, 5, 9, 200);

    // Act
    await sendPageViews(kinesis, pipeline.stream, run.events);

    // Assess: every due window final with exactly its events; and invocations did time out.
    try {
      await expectFinalAndExact(config, pipeline, run);
      const stats = runtime.pipelines[0]?.source.stats;
      console.log(
        `zombies: ${stats?.invocations} invocations, ${stats?.retries} retries, ${stats?.bisections} splits`,
      );
      // Timed-out invocations were retried (a timeout is an error: halves, then retries).
      expect((stats?.retries ?? 0) + (stats?.bisections ?? 0)).toBeGreaterThan(0);
    } finally {
      kinesis.destroy();
    }
  });
});
