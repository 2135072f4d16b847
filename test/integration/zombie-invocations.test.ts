import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '#lib/emulator/runtime/runtime';
import { createKinesisClient } from '#lib/kinesis/client';
import { deleteStream, ensureStream } from '#lib/kinesis/streams';
import type { Pipeline } from '#lib/pipeline/spec';
import { isolatedZombies, zombies } from '../fixtures/zombie-pipelines.ts';
import { integrationConfig } from '../helpers/integration-config.ts';
import {
  expectFinalAndExact,
  pageViewsEndingNow,
  sendPageViews,
} from '../helpers/page-view-runs.ts';

const config = integrationConfig();
const FIXTURE = fileURLToPath(new URL('../fixtures/zombie-pipelines.ts', import.meta.url));
let runtime: Runtime | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

/**
 * Every request of the handler waits up to 400 ms before it is sent, and the function times out
 * after 1 s, so many invocations are stopped half way; the writes they already sent land after
 * their retry has begun. Every due window must still be final with exactly its events.
 */
async function zombieRun(pipeline: Pipeline, isolateFrom?: string) {
  const kinesis = createKinesisClient(config.kinesis);
  await deleteStream(kinesis, pipeline.stream);
  await ensureStream(kinesis, pipeline.stream, 2);
  runtime = await startRuntime({
    config,
    pipelines: [pipeline],
    log: () => {},
    eventSource: { timeoutSeconds: 1, retryAttempts: -1, retryDelayMs: 100, batchSize: 200 },
    faults: { lateWritesMs: 400 },
    ...(isolateFrom ? { isolateFrom } : {}),
  });
  const run = pageViewsEndingNow(1500, 5, 9, 200);
  try {
    await sendPageViews(kinesis, pipeline.stream, run.events);
    await expectFinalAndExact(config, pipeline, run);
  } finally {
    kinesis.destroy();
  }
  const running = runtime.pipelines[0];
  const stats = running?.source.stats;
  console.log(
    `zombies (${isolateFrom ? 'worker threads' : 'in-process'}): ${stats?.invocations} invocations, ` +
      `${stats?.retries} retries, ${stats?.bisections} splits, ${running?.figures.records} records counted, ` +
      `${running?.isolated?.coldStarts ?? 0} cold starts`,
  );
  return { stats, figures: running?.figures, coldStarts: running?.isolated?.coldStarts ?? 0 };
}

describe('invocations stopped at their timeout while their writes are still on the way', () => {
  it('stay exact: what a zombie sent lands late, its retry finds it, nothing counts twice', {
    timeout: 300_000,
  }, async () => {
    const { stats } = await zombieRun(zombies);

    // Timed-out invocations were retried (a timeout is an error: halves, then retries).
    expect((stats?.retries ?? 0) + (stats?.bisections ?? 0)).toBeGreaterThan(0);
  });

  it('stay exact with the handler in worker threads (cassflow run), its figures reported back', {
    timeout: 300_000,
  }, async () => {
    // Threads run the shards side by side, so fewer invocations pass the timeout than in-process
    // (in some runs none): that a timed-out thread is terminated is checked by
    // test/unit/isolated-function.test.ts and the conformance suite's timeout test.
    const { stats, figures, coldStarts } = await zombieRun(isolatedZombies, FIXTURE);

    expect((stats?.retries ?? 0) + (stats?.bisections ?? 0)).toBeGreaterThan(0);
    expect(coldStarts).toBeGreaterThanOrEqual(2); // a thread per shard at least
    // The figures came back from the worker threads: the records of finished batches.
    expect(figures?.records).toBeGreaterThan(0);
  });
});
