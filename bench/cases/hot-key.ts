import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { BatchResult } from '#lib/engine/process-batch';
import { createAggregateHandler } from '#lib/lambda/aggregate-handler';
import type { Pipeline } from '#lib/pipeline/spec';
import { pipelineTables } from '#lib/store/pipeline-tables';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { jsonRecord, kinesisEvent, sequenceNumber } from '../../test/helpers/kinesis-events.ts';
import { lambdaContext } from '../../test/helpers/lambda-context.ts';
import { benchPipeline } from '../cassflow-run.ts';
import type { BenchCase, BenchContext } from '../harness.ts';
import { benchEvents } from '../records.ts';
import { settleQuietly } from '../settle-quietly.ts';
import { formatSpread, median, spread, textTable } from '../stats.ts';
import { sumColumn } from '../store.ts';

const RECORDS = 10_000;
const SHARDS = 4;

type Run = { eventsPerSec: number; conditionalWrites: number; casRetries: number };

/** The same 10,000 events, all on key `hot`, dealt round-robin to `shards` shards' batches. */
function shardBatches(shards: number): KinesisStreamEvent[] {
  const events = benchEvents(RECORDS, 1).map((e) => ({ ...e, key: 'hot' }));
  return Array.from({ length: shards }, (_, shard) =>
    kinesisEvent(
      events
        .filter((_, i) => i % shards === shard)
        .map((e, i) =>
          jsonRecord(`shardId-00000000000${shard}`, sequenceNumber(shard, i), e, e.key),
        ),
    ),
  );
}

/** One Lambda container per shard, all called at once; every event must be counted once. */
async function runShards(ctx: BenchContext, pipeline: Pipeline, batches: KinesisStreamEvent[]) {
  const tables = pipelineTables(pipeline);
  await ctx.store.createTables([...CORE_TABLES, ...tables]);
  try {
    await settleQuietly(ctx.progress);
    const results: BatchResult[] = [];
    const handlers = batches.map(() =>
      createAggregateHandler(pipeline, {
        session: () => ctx.store.session,
        logger: new Logger({ serviceName: 'cassflow-bench', logLevel: 'ERROR' }),
        metrics: new Metrics({ namespace: 'cassflow-bench', serviceName: pipeline.name }),
        onBatch: (r) => results.push(r),
      }),
    );
    const start = performance.now();
    const responses = (await Promise.all(
      batches.map((batch, i) => handlers[i]?.(batch, lambdaContext())),
    )) as KinesisStreamBatchResponse[];
    const wallMs = performance.now() - start;
    if (responses.some((r) => r.batchItemFailures.length > 0)) {
      throw new Error(`${pipeline.name}: a shard's batch did not apply (batchItemFailures)`);
    }
    const counted = await sumColumn(ctx.store, pipeline.tables.windows, 'events');
    if (counted !== BigInt(RECORDS)) throw new Error(`rows hold ${counted} events, not ${RECORDS}`);
    const sum = (f: (r: BatchResult) => number) => results.reduce((n, r) => n + f(r), 0);
    return {
      eventsPerSec: (RECORDS / wallMs) * 1000,
      conditionalWrites: sum((r) => r.conditionalWrites),
      casRetries: sum((r) => r.casRetries),
    };
  } finally {
    await ctx.store.dropTables(tables);
  }
}

/**
 * A hot key: 10,000 events on one key arriving from 4 shards at once (4 concurrent handler
 * calls contending for the same rows), against the same events from 1 shard in the same run.
 */
export const hotKeyCase: BenchCase = {
  name: 'hot-key',
  async run(ctx) {
    const runs: Record<'one' | 'four', Run[]> = { one: [], four: [] };
    for (let rep = 1; rep <= ctx.repeats; rep++) {
      for (const [label, shards] of [
        ['one', 1],
        ['four', SHARDS],
      ] as const) {
        const pipeline = benchPipeline(`bench_${ctx.runId}_hot${shards}_r${rep}`);
        const run = await runShards(ctx, pipeline, shardBatches(shards));
        runs[label].push(run);
        ctx.progress(
          `hot key, ${shards} shard(s) ${rep}/${ctx.repeats}: ${run.eventsPerSec.toFixed(0)} ev/s, ` +
            `${run.casRetries} of ${run.conditionalWrites} conditional writes lost and retried`,
        );
      }
    }
    const row = (label: string, list: Run[]) => [
      label,
      formatSpread(spread(list.map((r) => r.eventsPerSec))),
      String(median(list.map((r) => r.conditionalWrites))),
      String(median(list.map((r) => r.casRetries))),
      `${((100 * median(list.map((r) => r.casRetries))) / median(list.map((r) => r.conditionalWrites))).toFixed(1)}%`,
    ];
    const ratio =
      median(runs.four.map((r) => r.eventsPerSec)) / median(runs.one.map((r) => r.eventsPerSec));
    return {
      title: `3. Hot key: ${RECORDS.toLocaleString('en-US')} events on one key, tumbling 1m over 5 minutes`,
      table: textTable(
        ['from', 'events/s', 'cond. writes', 'lost+retried', 'retry rate'],
        [row('1 shard (baseline)', runs.one), row(`${SHARDS} shards at once`, runs.four)],
      ),
      notes:
        `${SHARDS} shards: ${SHARDS} handler calls (one Lambda container per shard) at the same ` +
        "time, each with its shard's quarter of the events, all folding into the same 5 rows. " +
        'retry rate: conditional writes that lost to another shard and were redone.',
      figures: { records: RECORDS, shards: SHARDS, runs },
      ratios: [{ name: `hot key: ${SHARDS} shards / 1 shard throughput`, value: ratio }],
    };
  },
};
