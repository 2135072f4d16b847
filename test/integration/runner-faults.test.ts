import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '#lib/config/config';
import type { PageView } from '#lib/demo/generate-page-views';
import { createKinesisClient } from '#lib/kinesis/client';
import { deleteStream, ensureStream } from '#lib/kinesis/streams';
import { startLocalCassandra, stopLocalCassandra } from '#lib/stack/cassandra/node';
import pipeline from '../fixtures/faults-pipeline.ts';
import { integrationConfig } from '../helpers/integration-config.ts';
import {
  expectFinalAndExact,
  pageViewsEndingNow,
  sendPageViews,
} from '../helpers/page-view-runs.ts';

const config = integrationConfig();
const FIXTURE = 'test/fixtures/faults-pipeline.ts';
const runners: ChildProcess[] = [];
afterAll(() => {
  for (const r of runners) if (r.exitCode === null) r.kill('SIGKILL');
});

/** `cassflow run` of the fixture in a process of its own, in this run's keyspace. */
function startRunner(lines: string[]): ChildProcess {
  const runner = spawn(process.execPath, ['bin/cassflow.js', 'run', FIXTURE, '--status', '1'], {
    env: { ...process.env, CASSANDRA_KEYSPACE: config.cassandra.keyspace },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const out of [runner.stdout, runner.stderr]) {
    out?.setEncoding('utf8').on('data', (chunk: string) => {
      lines.push(...chunk.split('\n'));
      if (process.env.RUNNER_FAULTS_LOG) appendFileSync(process.env.RUNNER_FAULTS_LOG, chunk);
    });
  }
  runners.push(runner);
  return runner;
}

async function until(what: string, done: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const _encoder = new TextEncoder();

describe('the local runtime under faults: killed, and Cassandra restarted, mid-stream', () => {
  it('counts every event exactly once and makes every due window final', {
    timeout: 600_000,
  }, async () => {
    // Prepare: a 4-shard stream; 4,000 page views in event-time order over the last 10 minutes.
    const kinesis = createKinesisClient(config.kinesis);
    await deleteStream(kinesis, pipeline.stream);
    await ensureStream(kinesis, pipeline.stream, 4);
    const run = pageViewsEndingNow(4000, 6, 3, 150);
    const send = (part: readonly PageView[]) => sendPageViews(kinesis, pipeline.stream, part);
    const lines: string[] = [];
    const processed = () => {
      const status = lines.filter((l) => /it_faults: [\d,]+ record/.test(l)).at(-1) ?? '';
      return Number(/it_faults: ([\d,]+) record/.exec(status)?.[1]?.replaceAll(',', '') ?? 0);
    };

    // Act 1: the runner takes the first half; kill -9 it part way through, start another.
    const runs = () => lines.filter((l) => l.startsWith('Running it_faults')).length;
    const first = startRunner(lines);
    await until('the runner to start', () => runs() === 1, 60_000);
    const firstHalf = send(run.events.slice(0, 2000));
    await until('the runner to process records', () => processed() > 200, 120_000);
    first.kill('SIGKILL');
    await once(first, 'close');
    const killedAt = processed();
    const second = startRunner(lines);
    await until('the second runner to start', () => runs() === 2, 60_000);
    await firstHalf;

    // Act 2: the rest arrives while Cassandra is stopped and started again.
    const shared = resolveConfig(process.env);
    const secondHalf = send(run.events.slice(2000));
    await stopLocalCassandra(shared.local.cacheDir, shared.local.cassandra.dir);
    await startLocalCassandra(shared, process.env, () => {});
    await secondHalf;

    // Assess: every window the watermark passed is final with exactly its events.
    try {
      await expectFinalAndExact(config, pipeline, run);
      expect(killedAt).toBeLessThan(2000);
      expect(second.exitCode).toBeNull();
    } finally {
      second.kill('SIGINT');
      await once(second, 'close');
      kinesis.destroy();
    }
  });
});
