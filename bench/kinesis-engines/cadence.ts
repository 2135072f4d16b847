import { setTimeout as sleep } from 'node:timers/promises';
import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { startEventSource } from '#lib/emulator/event-source/event-source';
import type { KinesisFunction } from '#lib/emulator/event-source/invoke';
import { MemoryPositions } from '#lib/emulator/event-source/positions';
import { putRecords } from '#lib/kinesis/producer';
import { ensureStream } from '#lib/kinesis/streams';
import { percentile } from '../end-to-end/percentile.ts';

export type CadenceFigures = {
  case: string;
  lambda: string;
  invocations: number;
  /** Milliseconds between one invocation's start and the next (p50). */
  gapP50Ms: number;
  /** From a record's arrival in Kinesis to its invocation starting. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  /** Backlog case: time to deliver all records, and records per second. */
  drainMs?: number;
};

type Invocation = { at: number; arrivals: number[] };

function recorder(workMs: number) {
  const calls: Invocation[] = [];
  const fn = async (event: KinesisStreamEvent) => {
    const at = Date.now();
    calls.push({
      at,
      arrivals: event.Records.map((r) => r.kinesis.approximateArrivalTimestamp * 1000),
    });
    if (workMs > 0) await sleep(workMs);
    return { batchItemFailures: [] };
  };
  return { calls, fn };
}

function figures(
  name: string,
  lambda: string,
  calls: Invocation[],
  drainMs?: number,
): CadenceFigures {
  const latencies = calls.flatMap((c) => c.arrivals.map((a) => c.at - a));
  const gaps = calls.slice(1).map((c, i) => c.at - (calls[i]?.at ?? c.at));
  return {
    case: name,
    lambda,
    invocations: calls.length,
    gapP50Ms: percentile(gaps, 50),
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    latencyMaxMs: Math.max(0, ...latencies),
    ...(drainMs === undefined ? {} : { drainMs }),
  };
}

/** The event source on one stream from TRIM_HORIZON, positions in memory. */
function startSource(
  kinesis: KinesisClient,
  stream: string,
  fn: KinesisFunction,
  batchSize: number,
  maxBatchingWindowSeconds: number,
) {
  return startEventSource({
    kinesis,
    streamName: stream,
    functionName: 'cadence',
    fn,
    positions: new MemoryPositions(),
    settings: { batchSize, maxBatchingWindowSeconds, startingPosition: 'TRIM_HORIZON' },
  });
}

async function trickle(kinesis: KinesisClient, stream: string, ms: number, everyMs: number) {
  const end = Date.now() + ms;
  for (let i = 0; Date.now() < end; i++) {
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: [{ Data: Buffer.from(`r${i}`), PartitionKey: `k${i}` }],
      }),
    );
    await sleep(everyMs);
  }
}

/**
 * How the event-source emulator delivers, beside what Lambda documents: caught up with batching
 * windows of 0 and 1 s (a record every 97 ms for `seconds`), and a backlog of 20,000 records read
 * with batches of 1,000 (how long until all were delivered).
 */
export async function measureCadence(
  kinesis: KinesisClient,
  seconds: number,
): Promise<CadenceFigures[]> {
  const out: CadenceFigures[] = [];
  for (const window of [0, 1]) {
    const stream = `cadence-${window}-${Date.now()}`;
    await ensureStream(kinesis, stream, 1);
    const { calls, fn } = recorder(0);
    const source = await startSource(kinesis, stream, fn, 100, window);
    await trickle(kinesis, stream, seconds * 1000, 97);
    await sleep(2500);
    await source.stop();
    const lambda =
      window === 0
        ? 'a poll a second per shard, invoked as soon as records are read: latency 0–1 s'
        : 'a poll a second, then records gathered for the 1 s window: latency about 1–2 s';
    out.push(figures(`caught up, batching window ${window} s`, lambda, calls));
  }
  const stream = `cadence-backlog-${Date.now()}`;
  await ensureStream(kinesis, stream, 1);
  const total = 20_000;
  // Put through cassflow's producer, which puts again what a shard refuses over its rate.
  await putRecords(
    kinesis,
    stream,
    Array.from({ length: total }, (_, i) => ({
      Data: Buffer.from(`r${i}`),
      PartitionKey: `k${i % 500}`,
    })),
    30,
  );
  const { calls, fn } = recorder(20);
  const started = Date.now();
  const source = await startSource(kinesis, stream, fn, 1000, 1);
  while (source.stats.records < total && Date.now() - started < 120_000) await sleep(20);
  const drainMs = Date.now() - started;
  await source.stop();
  out.push(
    figures(
      `backlog of ${total.toLocaleString('en-US')}, batches of 1,000, 20 ms each`,
      'batches back to back until caught up (no poll wait); one batch at a time per shard',
      calls,
      drainMs,
    ),
  );
  return out;
}
