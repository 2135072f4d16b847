import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisConfig } from '#lib/config/config';
import type { MappingStats } from '#lib/emulator/event-source/stats';
import { createKinesisClient } from '#lib/kinesis/client';
import type { Pipeline } from '#lib/pipeline/spec';
import { pipelineTables } from '#lib/store/pipeline-tables';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import type { BenchStore } from '../store.ts';
import { aggregateFunction, type HandlerTotals } from './aggregate-function.ts';
import { type BacklogSample, sampleBacklog } from './backlog-sampler.ts';
import {
  type CallTime,
  type CallTimeSummary,
  summarizeCallTimes,
  timedFunction,
  timeGetRecords,
} from './call-timing.ts';
import { startLoad } from './load.ts';
import { freshStream, startMapping } from './mapping.ts';
import { type LatencySummary, percentile, summarizeLatency } from './percentile.ts';
import { deliveryLatencies, noteProbeArrivals } from './probe-arrivals.ts';
import { ProbeWatch } from './probe-watch.ts';
import { judgeStep, type Verdict } from './verdict.ts';

export type StepEnv = {
  store: BenchStore;
  /** Where Kinesis is: each step reads through a client of its own, its GetRecords timed. */
  kinesisConfig: KinesisConfig;
  /** For PutRecords: no SDK retries, the sender retries itself (as the demo sends). */
  sending: KinesisClient;
  stream: string;
  shards: number;
  durationMs: number;
  probeEveryMs: number;
  progress: (line: string) => void;
  /** What the event source logged (retries, throttling), for the report. */
  sourceLog: (line: string) => void;
};

export type RateStepResult = {
  shards: number;
  rate: number;
  /** Accepted by Kinesis within the duration, per second. */
  acceptedPerSec: number;
  /** Processed per second over the second half (between the two backlog windows). */
  processedPerSec: number;
  /** Mean backlog over the 10 s up to half-way and up to the end. */
  backlogHalfway: number;
  backlogAtEnd: number;
  latency: LatencySummary;
  /** The probes sent after the warm-up (the first minute, or quarter of a shorter step). */
  steadyLatency: LatencySummary;
  warmUpMs: number;
  /** The same probes from PutRecords returning to their batch's invocation starting. */
  steadyDelivery: LatencySummary;
  /** Median over the batches after the warm-up of the handler's time per record. */
  msPerRecord: number;
  verdict: Verdict;
  samples: BacklogSample[];
  handler: HandlerTotals;
  source: MappingStats;
  sendRetries: number;
  putTimes: CallTimeSummary;
  getTimes: CallTimeSummary;
  /** The aggregation handler's invocations: time and records per batch. */
  invocationTimes: CallTimeSummary;
};

const SAMPLE_EVERY_MS = 500;
/** Backlog half-way and at the end are means over the 10 s before: several batching cycles. */
const MEAN_WINDOW_MS = 10_000;
const progressEveryMs = (durationMs: number) => (durationMs >= 300_000 ? 60_000 : 10_000);
/** Samples kept in the report: about 30 over the step. */
const reportEveryMs = (durationMs: number) =>
  Math.max(2000, Math.round(durationMs / 30 / 500) * 500);

/**
 * One rate for one duration, end to end: the real aggregation handler behind the event-source
 * emulator on a fresh stream of `env.shards` shards and fresh tables, fed at `rate` events/s with a probe every
 * `probeEveryMs`; backlog (accepted minus processed) sampled as it goes.
 */
export async function runRateStep(
  env: StepEnv,
  pipeline: Pipeline,
  rate: number,
): Promise<RateStepResult> {
  await env.store.createTables([...CORE_TABLES, ...pipelineTables(pipeline)]);
  const reading = createKinesisClient(env.kinesisConfig);
  try {
    return await measureStep(env, pipeline, rate, reading);
  } finally {
    reading.destroy();
  }
}

async function measureStep(
  env: StepEnv,
  pipeline: Pipeline,
  rate: number,
  reading: KinesisClient,
): Promise<RateStepResult> {
  const { store, stream, durationMs } = env;
  await freshStream(reading, stream, env.shards);
  const getCalls: CallTime[] = [];
  const invocations: CallTime[] = [];
  const { fn, totals } = aggregateFunction(pipeline, store.session, reading, stream);
  const probePrefix = `probe-${rate}-`;
  const invocationsStart = Date.now();
  const arrivedAt = new Map<string, number>();
  const noting: typeof fn = (event, context) => {
    noteProbeArrivals(event, probePrefix, arrivedAt, Date.now());
    return fn(event, context);
  };
  timeGetRecords(reading, Date.now(), getCalls);
  const source = await startMapping({
    kinesis: reading,
    session: store.session,
    stream,
    functionName: pipeline.name,
    fn: timedFunction(noting, invocationsStart, invocations),
    log: env.sourceLog,
  });
  let sourceFailure: unknown;
  source.done.catch((error: unknown) => {
    sourceFailure = error;
  });
  const watch = new ProbeWatch(store.session, pipeline);
  // Both stop even if one fails; the step's own error, if any, is the one reported.
  const stopBoth = async () => {
    const stops = await Promise.allSettled([watch.stop(), source.stop()]);
    const failed = stops.find((s) => s.status === 'rejected');
    return failed ? `${rate}/s: stopping failed: ${String(failed.reason)}` : undefined;
  };
  try {
    watch.start();
    // Fresh tables and a cold handler: the first minute (a quarter of a short step) warms up.
    const loadStartedAt = Date.now();
    const warmUpMs = Math.min(60_000, durationMs / 4);
    const load = startLoad({
      kinesis: env.sending,
      stream,
      rate,
      durationMs,
      probeEveryMs: env.probeEveryMs,
      probePrefix,
      onProbeSent: (probe) => watch.add(probe),
    });
    const sampler = sampleBacklog({
      everyMs: SAMPLE_EVERY_MS,
      durationMs,
      accepted: () => load.counts.sent,
      processed: () => source.stats.records,
      onSample: (s) => {
        if (s.atMs % progressEveryMs(durationMs) !== 0) return;
        env.progress(
          `  ${rate}/s at ${s.atMs / 1000} s: sent ${s.accepted}, processed ${s.processed}, ` +
            `backlog ${s.backlog}, probes seen ${watch.seen.length}/${watch.sent}`,
        );
      },
    });
    const loaded = await load.done.finally(() => sampler.stop());
    if (loaded.counts.failed > 0) {
      throw new Error(
        `${rate}/s: the sender gave up on ${loaded.counts.failed} records (${loaded.firstFailure})`,
      );
    }
    if (sourceFailure)
      throw new Error(`${rate}/s: the event source stopped: ${String(sourceFailure)}`);
    const halfway = sampler.mean(durationMs / 2 - MEAN_WINDOW_MS, durationMs / 2);
    const end = sampler.mean(durationMs - MEAN_WINDOW_MS, durationMs);
    if (!halfway || !end) throw new Error(`${rate}/s: no backlog samples were taken`);
    const verdict = judgeStep({
      rate,
      durationMs,
      accepted: loaded.acceptedInTime,
      backlogHalfway: halfway.backlog,
      backlogAtEnd: end.backlog,
    });
    // Probes sent last still need a poll, a batching window and a batch; a falling-behind
    // consumer may never get to them in a useful time.
    await watch.drain(verdict.sustained ? 15_000 : 5_000);
    const stopFailure = await stopBoth();
    if (stopFailure) throw new Error(stopFailure);
    const steady = watch.probes.filter((p) => p.putReturnedAt >= loadStartedAt + warmUpMs);
    const invokedSince = loadStartedAt + warmUpMs - invocationsStart;
    return {
      shards: env.shards,
      rate,
      acceptedPerSec: (loaded.acceptedInTime * 1000) / durationMs,
      processedPerSec: ((end.processed - halfway.processed) * 1000) / (end.atMs - halfway.atMs),
      backlogHalfway: halfway.backlog,
      backlogAtEnd: end.backlog,
      latency: summarizeLatency(watch.latencies(), watch.sent),
      steadyLatency: summarizeLatency(watch.latencies(loadStartedAt + warmUpMs), steady.length),
      warmUpMs,
      steadyDelivery: summarizeLatency(deliveryLatencies(steady, arrivedAt), steady.length),
      msPerRecord: percentile(
        invocations
          .filter((c) => c.records > 0 && c.startedAtMs >= invokedSince)
          .map((c) => c.ms / c.records),
        50,
      ),
      verdict,
      samples: sampler.samples.filter((x) => x.atMs % reportEveryMs(durationMs) === 0),
      handler: { ...totals },
      source: { ...source.stats },
      sendRetries: loaded.counts.retried,
      putTimes: loaded.putTimes,
      getTimes: summarizeCallTimes(getCalls.filter((c) => c.records > 0)),
      invocationTimes: summarizeCallTimes(invocations),
    };
  } catch (error) {
    await stopBoth();
    throw error;
  }
}
