import { createKinesisClient } from '#lib/kinesis/client';
import { deleteStream } from '#lib/kinesis/streams';
import { CASSFLOW_EVENT_SOURCE } from '#lib/lambda/event-source-defaults';
import type { Pipeline } from '#lib/pipeline/spec';
import { pipelineTables } from '#lib/store/pipeline-tables';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { measureDeliveryLatency } from '../end-to-end/delivery-baseline.ts';
import { EVENT_BYTES, EVENT_KEYS } from '../end-to-end/events.ts';
import { measureIngestCeiling } from '../end-to-end/ingest-ceiling.ts';
import { endToEndPipeline } from '../end-to-end/pipeline.ts';
import { runRateStep, type StepEnv } from '../end-to-end/rate-step.ts';
import { reportRatios, reportTables, type ShardRun } from '../end-to-end/report.ts';
import { BACKLOG_ALLOWANCE_S, describeVerdict, KEPT_RATE_SHARE } from '../end-to-end/verdict.ts';
import type { BenchCase } from '../harness.ts';

/** A real shard's write limit, offered to every shard. */
const RATE_PER_SHARD = 1000;
const SHARD_COUNTS = [1, 2, 4];
const STEP_MS = 60_000;
const LONG_STEP_MS = 600_000;
const CEILING_MS = 10_000;
const DELIVERY_MS = 15_000;
/** Both latency baselines run longer under --long, so a p99 is not just the slowest probe. */
const LONG_BASELINE_MS = 60_000;
const PROBE_EVERY_MS = 250;
/** Event-source log lines kept for the report (retries, throttling). */
const SOURCE_LOG_LINES = 40;

const notes = (stepMs: number) =>
  `Each shard count runs ${stepMs / 1000} s at ${RATE_PER_SHARD} events/s per shard (a real ` +
  `shard's write limit) on a fresh stream and fresh tables: ${EVENT_BYTES}-byte events over ` +
  `${EVENT_KEYS} keys spread evenly over the shards (event time = send time) into tumbling 1m ` +
  "with count/sum/avg/max, read with cassflow's event-source defaults (batch " +
  `${CASSFLOW_EVENT_SOURCE.batchSize}, batching window ` +
  `${CASSFLOW_EVENT_SOURCE.maxBatchingWindowSeconds} s). ` +
  'sent/s: accepted by the local Kinesis within the step (it throttles each shard past 1,000 ' +
  'records/s, as Kinesis does; the sender retries); processed/s: records the handler finished ' +
  'per second over the second half; backlog: sent minus processed, mean of samples every 0.5 s ' +
  `over 10 s, half-way and at the end. Sustained: sent >= ${KEPT_RATE_SHARE * 100} % of the ` +
  `rate and the backlog at the end <= max(backlog half-way, ${BACKLOG_ALLOWANCE_S} s x rate). ` +
  `Latency: a probe (a key of its own) every ${PROBE_EVERY_MS} ms, from its PutRecords ` +
  'returning to its window row being readable (looked for every 50 ms); after warm-up: the ' +
  'probes sent after the first minute (a quarter of a shorter step), once the fresh tables and ' +
  'the cold handler have settled. Baselines, per shard ' +
  `count in the same run: the sender unpaced for ${CEILING_MS / 1000} s with nothing reading; ` +
  `the same load and probes for ${DELIVERY_MS / 1000} s (${LONG_BASELINE_MS / 1000} s with ` +
  '--long) through the event-source emulator to a function that only notes their arrival ' +
  "(delivery alone); then, as long, to a function that only sleeps the handler's median time " +
  "per record (after warm-up) times its batch's records, a probe counted when its batch " +
  'returns: the latency floor of any handler that costs as much, with no tail (constant cost). ' +
  'delivered: the same probes, from PutRecords returning to their batch reaching the handler.';

/**
 * End to end at 1, 2 and 4 shards, each at a real shard's 1,000 events/s: events through the
 * local Kinesis and the event-source emulator into the real aggregation handler and Cassandra;
 * sustained rate, backlog over time, and latency from a probe's PutRecords returning to its
 * window row being readable, beside delivery alone at the same rate and shard count.
 */
export const endToEndCase: BenchCase = {
  name: 'end-to-end',
  async run(ctx) {
    const started = Date.now();
    const stepMs = ctx.long ? LONG_STEP_MS : STEP_MS;
    const stream = `bench-e2e-${ctx.runId}`;
    const kinesis = createKinesisClient(ctx.config.kinesis);
    // No SDK retries: the sender retries what failed itself (as `cassflow send` and the demo do).
    const sending = createKinesisClient(ctx.config.kinesis, { maxAttempts: 1 });
    const pipelines: Pipeline[] = [];
    const sourceLog: string[] = [];
    const log = (line: string) => {
      if (sourceLog.length < SOURCE_LOG_LINES) sourceLog.push(line);
    };
    try {
      // Event-source positions live in shard_checkpoints, which the baseline needs as well.
      await ctx.store.createTables(CORE_TABLES);
      const runs: ShardRun[] = [];
      for (const shards of ctx.shardCounts ?? SHARD_COUNTS) {
        const rate = RATE_PER_SHARD * shards;
        ctx.progress(`end-to-end: ${shards} shard(s), ingest ceiling (${CEILING_MS / 1000} s)`);
        const ceiling = await measureIngestCeiling(kinesis, sending, stream, shards, CEILING_MS);
        ctx.progress(`  ${Math.round(ceiling.eventsPerSec)} events/s accepted`);
        const baselineMs = ctx.long ? LONG_BASELINE_MS : DELIVERY_MS;
        ctx.progress(
          `end-to-end: ${shards} shard(s), delivery alone at ${rate}/s (${baselineMs / 1000} s)`,
        );
        // Delivery alone and the constant-cost floor: the same load, probes and length.
        const baseline = {
          kinesisConfig: ctx.config.kinesis,
          sending,
          session: ctx.store.session,
          stream,
          shards,
          rate,
          durationMs: baselineMs,
          probeEveryMs: PROBE_EVERY_MS,
          log,
        };
        const delivery = await measureDeliveryLatency(baseline);
        ctx.progress(`  p50 ${delivery.latency.p50Ms} ms, p99 ${delivery.latency.p99Ms} ms`);
        const env: StepEnv = {
          store: ctx.store,
          kinesisConfig: ctx.config.kinesis,
          sending,
          stream,
          shards,
          durationMs: stepMs,
          probeEveryMs: PROBE_EVERY_MS,
          progress: ctx.progress,
          sourceLog: log,
        };
        const pipeline = endToEndPipeline(`bench_${ctx.runId}_e2e_${shards}`, stream);
        pipelines.push(pipeline);
        ctx.progress(`end-to-end: ${shards} shard(s) at ${rate} events/s for ${stepMs / 1000} s`);
        const step = await runRateStep(env, pipeline, rate);
        ctx.progress(`  ${rate}/s sustained: ${describeVerdict(step.verdict)}`);
        ctx.progress(
          `end-to-end: ${shards} shard(s), a handler of ${step.msPerRecord.toFixed(3)} ms per record at ${rate}/s (${baselineMs / 1000} s)`,
        );
        if (!Number.isFinite(step.msPerRecord)) {
          throw new Error(`end-to-end: ${shards} shard(s): no batch after the warm-up to cost`);
        }
        const floor = await measureDeliveryLatency({
          ...baseline,
          costPerRecordMs: step.msPerRecord,
        });
        ctx.progress(`  p50 ${floor.latency.p50Ms} ms, p99 ${floor.latency.p99Ms} ms`);
        runs.push({ ceiling, delivery, step, floor });
      }

      return {
        title: `5. End to end at ${(ctx.shardCounts ?? SHARD_COUNTS).join(', ')} shard(s): the local Kinesis, the event-source emulator, Cassandra${ctx.long ? ' (--long)' : ''}`,
        table: reportTables(runs),
        notes: notes(stepMs),
        figures: {
          settings: {
            ratePerShard: RATE_PER_SHARD,
            shardCounts: ctx.shardCounts ?? SHARD_COUNTS,
            stepMs,
            probeEveryMs: PROBE_EVERY_MS,
            eventBytes: EVENT_BYTES,
            keys: EVENT_KEYS,
            eventSource: CASSFLOW_EVENT_SOURCE,
          },
          runs,
          sourceLog,
          elapsedMs: Date.now() - started,
        },
        ratios: reportRatios(runs),
      };
    } finally {
      await deleteStream(kinesis, stream).catch((error: unknown) =>
        ctx.progress(`end-to-end: deleting stream ${stream} failed: ${String(error)}`),
      );
      for (const pipeline of pipelines) {
        await ctx.store.dropTables(pipelineTables(pipeline)).catch((error: unknown) => {
          ctx.progress(`end-to-end: dropping the tables of ${pipeline.name} failed: ${error}`);
        });
      }
      kinesis.destroy();
      sending.destroy();
    }
  },
};
