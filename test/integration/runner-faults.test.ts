import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '#lib/config/config';
import { createKinesisClient } from '#lib/kinesis/client';
import { KinesisSender } from '#lib/kinesis/kinesis-sender';
import { putRecordsCall } from '#lib/kinesis/put-records-call';
import { deleteStream, ensureStream } from '#lib/kinesis/streams';
import { startLocalCassandra, stopLocalCassandra } from '#lib/local/cassandra/node';
import { waitForFinalWindows } from '#lib/local/demo/await-final';
import { expectedFinalCounts } from '#lib/local/demo/expected-counts';
import { generatePageViews, type PageView } from '#lib/local/generate-page-views';
import { readWindows } from '#lib/query/read-windows';
import { createSession } from '#lib/store/session';
import pipeline from '../fixtures/faults-pipeline.ts';
import { integrationConfig } from '../helpers/integration-config.ts';

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

const encoder = new TextEncoder();

describe('the local runtime under faults: killed, and Cassandra restarted, mid-stream', () => {
  it('counts every event exactly once and makes every due window final', {
    timeout: 600_000,
  }, async () => {
    // Prepare: a 4-shard stream; 4,000 page views in event-time order over the last 10 minutes.
    const kinesis = createKinesisClient(config.kinesis);
    await deleteStream(kinesis, pipeline.stream);
    await ensureStream(kinesis, pipeline.stream, 4);
    const end = Date.now();
    const start = end - 600_000;
    let i = 0;
    const events = [
      ...generatePageViews({ count: 4000, keys: 6, seed: 3, now: () => start + 150 * i++ }),
    ];
    const sender = new KinesisSender({ put: putRecordsCall(kinesis, pipeline.stream) });
    const send = async (part: readonly PageView[]) => {
      for (const e of part) {
        await sender.add({
          data: encoder.encode(JSON.stringify(e)),
          partitionKey: e.page,
          ref: `event ${e.id}`,
        });
      }
      await sender.flush();
    };
    const lines: string[] = [];
    const processed = () => {
      const status = lines.filter((l) => /it_faults: [\d,]+ record/.test(l)).at(-1) ?? '';
      return Number(/it_faults: ([\d,]+) record/.exec(status)?.[1]?.replaceAll(',', '') ?? 0);
    };

    // Act 1: the runner takes the first half; kill -9 it part way through, start another.
    const runs = () => lines.filter((l) => l.startsWith('Running it_faults')).length;
    const first = startRunner(lines);
    await until('the runner to start', () => runs() === 1, 60_000);
    const firstHalf = send(events.slice(0, 2000));
    await until('the runner to process records', () => processed() > 200, 120_000);
    first.kill('SIGKILL');
    await once(first, 'close');
    const killedAt = processed();
    const second = startRunner(lines);
    await until('the second runner to start', () => runs() === 2, 60_000);
    await firstHalf;

    // Act 2: the rest arrives while Cassandra is stopped and started again.
    const shared = resolveConfig(process.env);
    const secondHalf = send(events.slice(2000));
    await stopLocalCassandra(shared.local.cacheDir);
    await startLocalCassandra(shared, process.env, () => {});
    await secondHalf;

    // Assess: every window the watermark passed is final with exactly its events.
    const session = createSession(config.cassandra);
    try {
      const expected = expectedFinalCounts(
        pipeline,
        events.map((e) => ({ key: e.page, ts: e.ts })),
        start + 150 * (events.length - 1) - pipeline.lateness.outOfOrderMs - 10_000,
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
      expect(expected.size).toBeGreaterThan(50);
      expect(killedAt).toBeLessThan(2000);
      expect(second.exitCode).toBeNull();
    } finally {
      await session.shutdown();
      second.kill('SIGINT');
      await once(second, 'close');
      kinesis.destroy();
    }
  });
});
