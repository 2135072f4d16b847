import type { CassflowConfig } from '../config/config.ts';
import { type Runtime, startRuntime } from '../emulator/runtime/runtime.ts';
import { createKinesisClient } from '../kinesis/client.ts';
import { valueInputs } from '../kinesis/input-sources.ts';
import { KinesisSender, type SendCounts } from '../kinesis/kinesis-sender.ts';
import { paced } from '../kinesis/pace.ts';
import { putRecordsCall } from '../kinesis/put-records-call.ts';
import { sendRecords } from '../kinesis/send-records.ts';
import { deleteStream, ensureStream } from '../kinesis/streams.ts';
import type { Pipeline } from '../pipeline/spec.ts';
import { readWindows } from '../query/read-windows.ts';
import type { WindowResult } from '../query/window-result.ts';
import { createSession, pipelineCassandra } from '../store/session.ts';
import { waitForFinalWindows } from './await-final.ts';
import { expectedFinalCounts } from './expected-counts.ts';
import { generatePageViews } from './generate-page-views.ts';
import { dropKeyspace } from './reset.ts';

const DEMO_SHARDS = 4;
/**
 * 900 events/s per shard, under a real shard's 1,000 records/s (which the local Kinesis holds
 * to): 12,000 events go out in about 3.5 s. A throttled record sent again would land after
 * newer ones, minutes late in the replayed event time, and miss its window.
 */
const DEMO_RATE = 900 * DEMO_SHARDS;

export type DemoOptions = {
  config: CassflowConfig;
  /** The page-views pipeline to run (examples/page-views.ts). */
  pipeline: Pipeline;
  events: number;
  pages: number;
  /** Event times are spread evenly over this much of the recent past. */
  backfillMs: number;
  log: (line: string) => void;
  /** Shows sending progress; returns a function that stops showing it. */
  progress?: (counts: () => SendCounts, total: number) => () => void;
  timeoutMs?: number;
  /** Watches the run (`cassflow demo --ui`). */
  watcher?: DemoWatcher;
};

/** Started with the demo's runtime, told when the demo passed (it may wait then), closed last. */
export type DemoWatcher = {
  start(runtime: Runtime, pipeline: Pipeline): Promise<void>;
  passed(result: DemoResult): Promise<void>;
  close(): Promise<void>;
};

export type DemoResult = {
  pipeline: Pipeline;
  sent: SendCounts;
  windows: WindowResult[];
  /** Final windows whose counts were checked against the events sent. */
  checked: number;
  sendMs: number;
  /** From the last event sent until every expected window was final with the right count. */
  finalMs: number;
};

/**
 * The main job end to end: run the page-views pipeline in the local runtime, send it a stream of
 * page views whose event times cover the last `backfillMs` (a replayed history, so windows become
 * final in seconds rather than in minutes), wait until every window that must be final is, and
 * check each one's count against the events sent. Uses its own keyspace and stream, reset first.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { config, log } = options;
  const pipeline: Pipeline = {
    ...options.pipeline,
    keyspace: 'cassflow_demo',
    stream: 'cassflow-demo',
  };
  const cassandra = pipelineCassandra(config.cassandra, pipeline);
  const kinesis = createKinesisClient(config.kinesis);
  const sending = createKinesisClient(config.kinesis, { maxAttempts: 1 });
  await Promise.all([dropKeyspace(cassandra), deleteStream(kinesis, pipeline.stream)]);
  await ensureStream(kinesis, pipeline.stream, DEMO_SHARDS);
  log(`Reset keyspace ${cassandra.keyspace} and stream ${pipeline.stream} (${DEMO_SHARDS} shards)`);
  const runtime = await startRuntime({ config, pipelines: [pipeline], log });
  const session = createSession(cassandra);
  try {
    await options.watcher?.start(runtime, pipeline);
    const end = Date.now();
    const start = end - options.backfillMs;
    const step = options.backfillMs / options.events;
    let i = 0;
    const events = [
      ...generatePageViews({
        count: options.events,
        keys: options.pages,
        seed: 7,
        now: () => Math.round(start + step * i++),
      }),
    ];
    // One call at a time: a shard's refused tail is sent again before anything newer.
    const sender = new KinesisSender({
      put: putRecordsCall(sending, pipeline.stream),
      concurrency: 1,
    });
    const stopProgress = options.progress?.(() => sender.counts, events.length);
    const sentAt = Date.now();
    const sent = await sendRecords(
      paced(
        valueInputs(events, (e) => `event ${e.id}`),
        DEMO_RATE,
      ),
      sender,
      {
        // Users spread over the shards evenly; the 8 pages would not (MD5 puts 5 on one shard).
        // A single-writer pipeline needs its key as the partition key (docs/single-writer.md).
        keyField: pipeline.singleWriter ? 'page' : 'user',
        onInvalid: (error) => log(error.message),
      },
    ).finally(() => stopProgress?.());
    const sendMs = Date.now() - sentAt;
    log(
      `Sent ${sent.sent.toLocaleString('en-US')} page views over ${options.pages} pages, ` +
        `event times ${new Date(start).toISOString()} to ${new Date(end).toISOString()}, in ` +
        `${(sendMs / 1000).toFixed(1)} s`,
    );
    // The last event of each shard is within a few steps of `end`.
    const watermark = end - pipeline.lateness.outOfOrderMs - 2000;
    const expected = expectedFinalCounts(
      pipeline,
      events.map((e) => ({ key: e.page, ts: e.ts })),
      watermark,
    );
    const sentDone = Date.now();
    // A runtime that fails (say, Cassandra went away) ends the wait with its error.
    const windows = await Promise.race([
      waitForFinalWindows(
        () => readWindows(session, pipeline, { from: start - 600_000 }),
        expected,
        options.timeoutMs ?? 90_000,
      ),
      runtime.done.then(() => {
        throw new Error('the runtime stopped before the windows were final');
      }),
    ]);
    const result = {
      pipeline,
      sent,
      windows,
      checked: expected.size,
      sendMs,
      finalMs: Date.now() - sentDone,
    };
    await options.watcher?.passed(result);
    return result;
  } finally {
    await options.watcher?.close();
    await runtime.stop();
    await session.shutdown();
    kinesis.destroy();
    sending.destroy();
  }
}
