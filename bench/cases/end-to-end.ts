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
import { type RateStepResult, runRateStep, type StepEnv } from '../end-to-end/rate-step.ts';
import { reportRatios, reportTables, type SkippedRate } from '../end-to-end/report.ts';
import { BACKLOG_ALLOWANCE_S, describeVerdict, KEPT_RATE_SHARE } from '../end-to-end/verdict.ts';
import type { BenchCase } from '../harness.ts';

/**
 * Rates tried in turn, until one is not sustained. Far below what a real shard takes: kinesis-mock
 * slows down as a shard fills (on the 2-core test machine a 500-record PutRecords took 0.1–0.4 s
 * on an empty shard and 12 s at 28,000 records; GetRecords slows the same way), so one shard of
 * it takes about 150–200 events/s for a whole minute at most.
 */
const RATES = [50, 100, 150, 200, 300];
const STEP_MS = 60_000;
const CEILING_MS = 10_000;
const DELIVERY_MS = 15_000;
const PROBE_EVERY_MS = 250;
/** The whole case stays within about five minutes: a step that would end later is not run. */
const BUDGET_MS = 300_000;
/** A step's time besides its minute: tables, stream, the last probes, flushing the sender. */
const STEP_OVERHEAD_MS = 15_000;
/** Event-source log lines kept for the report (retries, throttling). */
const SOURCE_LOG_LINES = 40;

const NOTES =
  `Each rate runs ${STEP_MS / 1000} s on a fresh 1-shard stream and fresh tables: ` +
  `${EVENT_BYTES}-byte events over ${EVENT_KEYS} keys (event time = send time) into tumbling 1m ` +
  "with count/sum/avg/max, read with cassflow's event-source defaults (batch " +
  `${CASSFLOW_EVENT_SOURCE.batchSize}, batching window ` +
  `${CASSFLOW_EVENT_SOURCE.maxBatchingWindowSeconds} s, a poll a second when caught up). ` +
  'sent/s: accepted by kinesis-mock within the minute; processed/s: records the handler ' +
  'finished per second over the second half; backlog: sent minus processed, mean of samples ' +
  'every 0.5 s over the 10 s window (batches come every ~2 s, so single samples swing). ' +
  `Sustained: sent >= ${KEPT_RATE_SHARE * 100} % of rate x 60 s and backlog at 50–60 s <= ` +
  `max(backlog at 20–30 s, ${BACKLOG_ALLOWANCE_S} s x rate). Latency: a probe (a key of its ` +
  `own) every ${PROBE_EVERY_MS} ms, from its PutRecords returning to its window row being ` +
  'readable (looked for every 50 ms). PutRecords/GetRecords ms (recs): mean call time (records ' +
  'per call) over the first and the last tenth of the calls: kinesis-mock slows down as the ' +
  'shard fills, which sets the rates here, not cassflow; handler ms (recs): the same for the ' +
  `invocations. Baselines: the sender unpaced for ${CEILING_MS / 1000} s on an empty shard with ` +
  'nothing reading; the same probes through the emulator to a function that only notes their ' +
  'arrival.';

/**
 * End to end on one shard: events sent at a fixed rate through kinesis-mock and the event-source
 * emulator into the real aggregation handler and Cassandra; latency from a probe's PutRecords
 * returning to its window row being readable, and the highest rate kept up with for a minute.
 */
export const endToEndCase: BenchCase = {
  name: 'end-to-end',
  async run(ctx) {
    const started = Date.now();
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
      ctx.progress(`end-to-end: kinesis-mock ingest ceiling (${CEILING_MS / 1000} s, no reader)`);
      const ceiling = await measureIngestCeiling(kinesis, sending, stream, CEILING_MS);
      ctx.progress(`  ${Math.round(ceiling.eventsPerSec)} events/s accepted`);

      // Event-source positions live in shard_checkpoints, which the baseline needs as well.
      await ctx.store.createTables(CORE_TABLES);
      const firstRate = RATES[0] ?? 100;
      ctx.progress(
        `end-to-end: emulator delivery alone (${DELIVERY_MS / 1000} s at ${firstRate}/s)`,
      );
      const delivery = await measureDeliveryLatency({
        kinesisConfig: ctx.config.kinesis,
        sending,
        session: ctx.store.session,
        stream,
        rate: firstRate,
        durationMs: DELIVERY_MS,
        probeEveryMs: PROBE_EVERY_MS,
        log,
      });
      ctx.progress(`  p50 ${delivery.latency.p50Ms} ms, p99 ${delivery.latency.p99Ms} ms`);

      const env: StepEnv = {
        store: ctx.store,
        kinesisConfig: ctx.config.kinesis,
        sending,
        stream,
        durationMs: STEP_MS,
        probeEveryMs: PROBE_EVERY_MS,
        progress: ctx.progress,
        sourceLog: log,
      };
      const steps: RateStepResult[] = [];
      const skipped: SkippedRate[] = [];
      for (const rate of RATES) {
        if (rate > ceiling.eventsPerSec) {
          const why = `above the ingest ceiling (${Math.round(ceiling.eventsPerSec)}/s)`;
          skipped.push({ rate, why });
          break;
        }
        if (Date.now() - started + STEP_MS + STEP_OVERHEAD_MS > BUDGET_MS) {
          skipped.push({ rate, why: 'the case would run past its time budget' });
          break;
        }
        const pipeline = endToEndPipeline(`bench_${ctx.runId}_e2e_${rate}`, stream);
        pipelines.push(pipeline);
        ctx.progress(`end-to-end: ${rate} events/s for ${STEP_MS / 1000} s`);
        const step = await runRateStep(env, pipeline, rate);
        steps.push(step);
        ctx.progress(`  ${rate}/s sustained: ${describeVerdict(step.verdict)}`);
        if (!step.verdict.sustained) break;
      }

      return {
        title:
          '5. End to end: one shard through kinesis-mock, the event-source emulator, Cassandra',
        table: reportTables(steps, skipped, ceiling, delivery),
        notes: NOTES,
        figures: {
          settings: {
            rates: RATES,
            stepMs: STEP_MS,
            probeEveryMs: PROBE_EVERY_MS,
            eventBytes: EVENT_BYTES,
            keys: EVENT_KEYS,
            eventSource: CASSFLOW_EVENT_SOURCE,
          },
          ceiling,
          delivery,
          steps,
          skipped,
          sourceLog,
          elapsedMs: Date.now() - started,
        },
        ratios: reportRatios(steps, ceiling, delivery),
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
