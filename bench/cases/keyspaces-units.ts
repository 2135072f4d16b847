import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import type { BatchResult } from '#lib/engine/process-batch';
import { createAggregateHandler } from '#lib/lambda/aggregate-handler';
import { cassandraClientOptions } from '#lib/store/client';
import { CapacityMeter, type CapacityReport } from '#lib/store/keyspaces-mode/capacity';
import { KeyspacesModeClient } from '#lib/store/keyspaces-mode/keyspaces-mode-client';
import { pipelineTables } from '#lib/store/pipeline-tables';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { CassandraSession, sessionOptions } from '#lib/store/session';
import { kinesisEvent } from '../../test/helpers/kinesis-events.ts';
import { lambdaContext } from '../../test/helpers/lambda-context.ts';
import { benchPipeline } from '../cassflow-run.ts';
import type { BenchCase, BenchContext } from '../harness.ts';
import { benchEvents, shardRecords } from '../records.ts';
import { textTable } from '../stats.ts';

const RECORDS = 10_000;
const BATCHES = 10;
const KEY_COUNTS = [100, 10_000, 100_000];
/** On-demand list prices in us-east-1 when this was written (USD per million units). */
const PRICE = { wru: 1.45, rru: 0.29 };

type Metered = { keys: number; report: CapacityReport; seconds: number };

/**
 * The handler on a client that meters as Amazon Keyspaces bills (keyspaces-mode/), with the
 * session options cassflow uses there, on the bench's node: the batch of the handler case, as
 * 10 batches of 1,000 one after another, on fresh tables.
 */
async function meter(ctx: BenchContext, keys: number): Promise<Metered> {
  const meter = new CapacityMeter();
  const cassandra = { ...ctx.store.config.cassandra, flavor: 'keyspaces' as const };
  const client = new KeyspacesModeClient(cassandraClientOptions(cassandra), {
    meter,
    pageCuts: { short: 0, empty: 0 },
  });
  const session = new CassandraSession(client, cassandra.keyspace, sessionOptions(cassandra));
  const pipeline = benchPipeline(`bench_${ctx.runId}_units_k${keys}`);
  const tables = pipelineTables(pipeline);
  await ctx.store.createTables([...CORE_TABLES, ...tables]);
  const results: BatchResult[] = [];
  const handler = createAggregateHandler(pipeline, {
    session: () => session,
    logger: new Logger({ serviceName: 'cassflow-bench', logLevel: 'ERROR' }),
    metrics: new Metrics({ namespace: 'cassflow-bench', serviceName: pipeline.name }),
    onBatch: (result) => results.push(result),
  });
  const records = shardRecords(benchEvents(RECORDS, keys));
  const size = RECORDS / BATCHES;
  const start = performance.now();
  try {
    for (let i = 0; i < BATCHES; i++) {
      const event = kinesisEvent(records.slice(i * size, (i + 1) * size));
      const response = (await handler(event, lambdaContext())) as KinesisStreamBatchResponse;
      if (response.batchItemFailures.length > 0) {
        const why = results.at(-1)?.rowErrors?.join('; ') ?? 'see the log';
        throw new Error(`${pipeline.name}: batch ${i + 1} failed in Keyspaces mode: ${why}`);
      }
    }
    return { keys, report: meter.report(), seconds: (performance.now() - start) / 1000 };
  } finally {
    await client.shutdown();
    await ctx.store.dropTables(tables);
  }
}

function totals(report: CapacityReport) {
  const tables = Object.values(report.tables);
  return {
    wru: tables.reduce((sum, t) => sum + t.wru, 0),
    rru: tables.reduce((sum, t) => sum + t.rru, 0),
  };
}

/**
 * What a million events cost on Amazon Keyspaces, metered rather than estimated: write and read
 * units per event at 100, 10,000 and 100,000 keys, and the busiest second of the hottest
 * partition against Keyspaces' 1,000 WRU/s quota.
 */
export const keyspacesUnitsCase: BenchCase = {
  name: 'keyspaces-units',
  async run(ctx) {
    const runs: Metered[] = [];
    for (const keys of KEY_COUNTS) {
      runs.push(await meter(ctx, keys));
      ctx.progress(`K=${keys}: metered`);
    }
    const rows = runs.map(({ keys, report, seconds }) => {
      const { wru, rru } = totals(report);
      const perMillion = (wru / RECORDS) * PRICE.wru + (rru / RECORDS) * PRICE.rru;
      const hot = report.hottest;
      return [
        keys.toLocaleString('en-US'),
        (wru / RECORDS).toFixed(2),
        (rru / RECORDS).toFixed(2),
        `$${perMillion.toFixed(2)}`,
        `${hot.wru} WRU, ${hot.rru} RRU`,
        hot.table.replace(/^.*\.bench_\w+?_units_k\d+_/, '<p>_'),
        String(report.throttled.writes + report.throttled.reads),
        (RECORDS / seconds).toFixed(0),
      ];
    });
    return {
      title: `7. Keyspaces units: the handler case's ${RECORDS.toLocaleString('en-US')} events as ${BATCHES} batches, metered as Keyspaces bills`,
      table: textTable(
        [
          'keys',
          'WRU/event',
          'RRU/event',
          'per 1M events',
          'hottest partition-second',
          'its table',
          'throttled',
          'ev/s here',
        ],
        rows,
      ),
      notes:
        'Metered by the Keyspaces-mode client (docs/keyspaces-mode.md): 1 WRU per KB of a row ' +
        'written (LWTs alike), 1 RRU per 4 KB read at LOCAL_QUORUM, with the Keyspaces session ' +
        `options. Prices: $${PRICE.wru} per 1M WRU, $${PRICE.rru} per 1M RRU (us-east-1 on ` +
        "demand). The hottest partition-second is at this machine's speed (ev/s here); a " +
        'partition takes at most 1,000 WRU and 3,000 RRU a second.',
      figures: {
        records: RECORDS,
        batches: BATCHES,
        runs: runs.map((r) => ({ keys: r.keys, ...totals(r.report), ...r.report })),
      },
      ratios: runs.map((r) => ({
        name: `hottest partition's WRU in a second / 1,000 at ${r.keys.toLocaleString('en-US')} keys`,
        value: r.report.hottest.wru / 1000,
      })),
    };
  },
};
