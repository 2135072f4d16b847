import { afterAll, describe, expect, it } from 'vitest';
import { generatePageViews } from '#lib/demo/generate-page-views';
import { createKinesisClient } from '#lib/kinesis/client';
import { deleteStream } from '#lib/kinesis/streams';
import { main } from '../../cli/main.ts';
import { type CliProcess, cliProcess } from '../helpers/cli-process.ts';
import { collectOutput } from '../helpers/collect-output.ts';
import { waitFor } from '../helpers/event-source-harness.ts';
import { integrationConfig } from '../helpers/integration-config.ts';

const EXAMPLE = 'examples/page-views.ts';
const STREAM = 'page-views';
const config = integrationConfig();
let runtime: CliProcess | undefined;

afterAll(() => {
  runtime?.child.kill('SIGKILL');
});

/** Views per page in the 1-minute windows `cassflow query` prints (open ones included). */
async function queriedViews(): Promise<Map<string, number>> {
  const { out, info } = collectOutput();
  expect(
    await main(['query', '--pipeline', EXAMPLE, '--window', 'tumbling_1m', '--all', '--json'], out),
  ).toBe(0);
  const views = new Map<string, number>();
  for (const line of info) {
    const w = JSON.parse(line) as { key: string; events: number };
    views.set(w.key, (views.get(w.key) ?? 0) + w.events);
  }
  return views;
}

describe('cassflow send → cassflow run → cassflow query, through the local Kinesis and Cassandra', () => {
  // Its waits (start 60 s, the batch 120 s, one event 30 s) plus the stop, with room to spare.
  it('counts every event sent exactly once, and shows a new event within seconds', {
    timeout: 400_000,
  }, async () => {
    // Prepare: a fresh stream; the runtime as its own process, in this run's keyspace.
    const kinesis = createKinesisClient(config.kinesis);
    await deleteStream(kinesis, STREAM);
    kinesis.destroy();
    const env = { ...process.env, CASSANDRA_KEYSPACE: config.cassandra.keyspace };
    runtime = cliProcess(['run', EXAMPLE, '--status', '1'], env);
    const { lines } = runtime;
    await waitFor(
      'the runtime to start',
      () => lines.some((l) => l.startsWith('Running page_views')),
      60_000,
    );
    const saved = process.env.CASSANDRA_KEYSPACE;
    process.env.CASSANDRA_KEYSPACE = config.cassandra.keyspace;
    try {
      // Act: 3,000 generated page views over 6 pages.
      const sent = collectOutput();
      const args = [
        'send',
        '--stream',
        STREAM,
        '--generate',
        '3000',
        '--keys',
        '6',
        '--seed',
        '11',
      ];
      expect(await main(args, sent.out)).toBe(0);
      const sentAt = Date.now();
      const expected = new Map<string, number>();
      for (const e of generatePageViews({ count: 3000, keys: 6, seed: 11 })) {
        expected.set(e.page, (expected.get(e.page) ?? 0) + 1);
      }
      let views = new Map<string, number>();
      while (Date.now() - sentAt < 120_000) {
        views = await queriedViews();
        if ([...views.values()].reduce((a, b) => a + b, 0) >= 3000) break;
      }
      const batchLatency = Date.now() - sentAt;

      // One more event: how long until a query shows it.
      const single = collectOutput();
      const oneAt = Date.now();
      expect(
        await main(['send', '--stream', STREAM, '--generate', '1', '--keys', '1'], single.out),
      ).toBe(0);
      let after = views;
      while (
        Date.now() - oneAt < 30_000 &&
        (after.get('/page/0') ?? 0) === (views.get('/page/0') ?? 0)
      ) {
        after = await queriedViews();
      }
      const eventLatency = Date.now() - oneAt;
      console.log(
        `end to end: 3,000 events visible in cassflow query ${batchLatency} ms after the send ended; ` +
          `one event sent → visible in ${eventLatency} ms`,
      );

      // Assess: exact counts per page, and the single event counted once more.
      expect(sent.info.join('\n')).toMatch(/Sent 3,000|3000/);
      expect(views).toEqual(expected);
      expect(after.get('/page/0')).toBe((expected.get('/page/0') ?? 0) + 1);
    } finally {
      if (saved === undefined) delete process.env.CASSANDRA_KEYSPACE;
      else process.env.CASSANDRA_KEYSPACE = saved;
    }

    // The runtime stops cleanly on SIGINT, saying what it did.
    // Its exit comes after the output streams have ended, so the last status line is in.
    const code = await runtime.interrupt();
    expect(code).toBe(0);
    expect(lines.join('\n')).toMatch(/page_views: 3,001 record\(s\) in \d+ invocation\(s\)/);
  });
});
