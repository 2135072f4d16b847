import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { expect } from 'vitest';
import type { CassflowConfig } from '#lib/config/config';
import { waitForFinalWindows } from '#lib/demo/await-final';
import { expectedFinalCounts } from '#lib/demo/expected-counts';
import { generatePageViews, type PageView } from '#lib/demo/generate-page-views';
import { KinesisSender } from '#lib/kinesis/kinesis-sender';
import { putRecordsCall } from '#lib/kinesis/put-records-call';
import type { Pipeline } from '#lib/pipeline/spec';
import { readWindows } from '#lib/query/read-windows';
import { createSession } from '#lib/store/session';

/** Page views in event-time order, `stepMs` apart, ending about now. */
export function pageViewsEndingNow(count: number, keys: number, seed: number, stepMs: number) {
  const start = Date.now() - count * stepMs;
  let i = 0;
  const events = [...generatePageViews({ count, keys, seed, now: () => start + stepMs * i++ })];
  return { events, start, lastTs: start + stepMs * (count - 1) };
}

const encoder = new TextEncoder();

/** Puts the page views into the stream (keyed by page), waiting until Kinesis took them all. */
export async function sendPageViews(
  kinesis: KinesisClient,
  stream: string,
  events: readonly PageView[],
): Promise<void> {
  const sender = new KinesisSender({ put: putRecordsCall(kinesis, stream) });
  for (const e of events) {
    await sender.add({
      data: encoder.encode(JSON.stringify(e)),
      partitionKey: e.page,
      ref: `event ${e.id}`,
    });
  }
  await sender.flush();
}

/**
 * Waits until every window the watermark has passed (the last event's time less the out-of-order
 * bound and 10 s) is final with exactly the events sent, and checks nothing was late.
 */
export async function expectFinalAndExact(
  config: CassflowConfig,
  pipeline: Pipeline,
  run: { events: readonly PageView[]; start: number; lastTs: number },
): Promise<void> {
  const session = createSession(config.cassandra);
  try {
    const expected = expectedFinalCounts(
      pipeline,
      run.events.map((e) => ({ key: e.page, ts: e.ts })),
      run.lastTs - pipeline.lateness.outOfOrderMs - 10_000,
    );
    expect(expected.size).toBeGreaterThan(20);
    await waitForFinalWindows(
      () => readWindows(session, pipeline, { from: run.start - 300_000 }),
      expected,
      180_000,
    );
    // Read row by row: Amazon Keyspaces has no COUNT(*).
    const late: unknown[] = [];
    for await (const row of session.rows(
      `SELECT key FROM ${session.table(pipeline.tables.lateEvents)}`,
    )) {
      late.push(row);
    }
    expect(late).toHaveLength(0);
  } finally {
    await session.shutdown();
  }
}
