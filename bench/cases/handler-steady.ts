import { DEFAULT_ENGINE_SETTINGS } from '#lib/engine/cql-ports';
import { pipelineTables } from '#lib/store/pipeline-tables';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { benchPipeline } from '../cassflow-run.ts';
import { type SteadyRun, timeSteadyCalls } from '../cassflow-steady.ts';
import type { BenchCase, BenchContext } from '../harness.ts';
import { naiveTable, runNaive } from '../naive-lwt.ts';
import { rowWritesTable, timeRowUpdates, timeRowWrites } from '../row-writes.ts';
import { settleQuietly } from '../settle-quietly.ts';
import { formatSpread, median, spread, textTable } from '../stats.ts';
import { type SteadyBatches, steadyBatches } from '../steady-batches.ts';
import { sumColumn } from '../store.ts';

const RECORDS = 10_000;
const BATCHES = 3;
const KEY_COUNTS = [100, 10_000, 100_000];
const CONCURRENCY = DEFAULT_ENGINE_SETTINGS.concurrency;

type KeyCount = {
  keys: number;
  cassflow: SteadyRun[];
  forgetful: SteadyRun[];
  naive: number[];
  ceiling: number[];
};

/** Runs take each place in the order equally often: a multiple of 4, at least 4. */
const repeatsOf = (ctx: BenchContext) => Math.max(4, Math.ceil(ctx.repeats / 4) * 4);

/** The naive handler through the same batches: the first untimed, then events/s over the rest. */
async function naiveSteady(ctx: BenchContext, table: string, batches: SteadyBatches) {
  await runNaive(ctx.store.session, table, batches.first, CONCURRENCY);
  let records = 0;
  let ms = 0;
  for (const event of batches.steady) {
    const run = await runNaive(ctx.store.session, table, event, CONCURRENCY);
    records += run.records;
    ms += run.wallMs;
  }
  const counted = await sumColumn(ctx.store, table, 'n');
  if (counted !== BigInt(records + batches.first.Records.length)) {
    throw new Error(
      `naive: rows hold ${counted} events, not ${records + batches.first.Records.length}`,
    );
  }
  return (records / ms) * 1000;
}

async function measure(ctx: BenchContext, keys: number): Promise<KeyCount> {
  const batches = steadyBatches(keys, RECORDS, BATCHES);
  const result: KeyCount = { keys, cassflow: [], forgetful: [], naive: [], ceiling: [] };
  const repeats = repeatsOf(ctx);
  for (let rep = 1; rep <= repeats; rep++) {
    const name = (what: string) => `bench_${ctx.runId}_s${what}_k${keys}_r${rep}`;
    const cassflow = benchPipeline(name('h'));
    const forgetful = benchPipeline(name('f'));
    const ceiling = benchPipeline(name('c'));
    const naive = naiveTable(name('naive'));
    const tables = [
      ...CORE_TABLES,
      ...pipelineTables(cassflow),
      ...pipelineTables(forgetful),
      rowWritesTable(ceiling),
      naive,
    ];
    await ctx.store.createTables(tables);
    try {
      const runs: (() => Promise<void>)[] = [
        async () => {
          result.cassflow.push(await timeSteadyCalls(ctx.store, cassflow, batches, true));
        },
        async () => {
          result.forgetful.push(await timeSteadyCalls(ctx.store, forgetful, batches, false));
        },
        async () => {
          result.naive.push(await naiveSteady(ctx, naive.name, batches));
        },
        async () => {
          const options = { conditional: true, concurrency: CONCURRENCY };
          await timeRowWrites(ctx.store, ceiling, batches.first, options);
          const versions = new Map<string, bigint>();
          let records = 0;
          let ms = 0;
          for (const event of batches.steady) {
            const run = await timeRowUpdates(ctx.store, ceiling, event, versions, CONCURRENCY);
            records += run.records;
            ms += run.wallMs;
          }
          result.ceiling.push((records / ms) * 1000);
        },
      ];
      for (let i = 0; i < runs.length; i++) {
        await settleQuietly(ctx.progress);
        await runs[(i + rep - 1) % runs.length]?.();
      }
    } finally {
      await ctx.store.dropTables(tables.filter((t) => !CORE_TABLES.includes(t)));
    }
    const last = result.cassflow.at(-1);
    ctx.progress(
      `steady K=${keys} ${rep}/${repeats}: cassflow ${last?.eventsPerSec.toFixed(0)} ev/s ` +
        `(${last?.rowReads} row reads, ${last?.casRetries} retried), without remembered rows ` +
        `${result.forgetful.at(-1)?.eventsPerSec.toFixed(0)}, naive ` +
        `${result.naive.at(-1)?.toFixed(0)}, ceiling ${result.ceiling.at(-1)?.toFixed(0)} ev/s`,
    );
  }
  return result;
}

/**
 * Steady state: the same keys batch after batch. A first batch writes every key's row (untimed);
 * then three 10,000-record batches over the same keys and the same 1-minute window update rows
 * that exist, through one warm container, at 100, 10,000 and 100,000 keys. Baselines in the same
 * run: cassflow without remembered rows (every update reads first), the naive handler (one
 * conditional read-modify-write per event) and the ceiling (cassflow's rows as its conditional
 * updates, from versions the writer knows: one compare-and-set per row, no read).
 */
export const handlerSteadyCase: BenchCase = {
  name: 'handler-steady',
  async run(ctx) {
    const results: KeyCount[] = [];
    for (const keys of KEY_COUNTS) results.push(await measure(ctx, keys));
    const rate = (runs: SteadyRun[]) => median(runs.map((r) => r.eventsPerSec));
    const rows = results.map((r) => [
      r.keys.toLocaleString('en-US'),
      formatSpread(spread(r.cassflow.map((c) => c.eventsPerSec))),
      String(median(r.cassflow.map((c) => c.rowReads))),
      formatSpread(spread(r.forgetful.map((c) => c.eventsPerSec))),
      formatSpread(spread(r.naive)),
      formatSpread(spread(r.ceiling)),
      `${(rate(r.cassflow) / median(r.naive)).toFixed(2)}x`,
      `${(rate(r.cassflow) / median(r.ceiling)).toFixed(2)}x`,
      `${(rate(r.cassflow) / rate(r.forgetful)).toFixed(2)}x`,
    ]);
    return {
      title: `2b. Handler in steady state: ${BATCHES} batches of ${RECORDS.toLocaleString('en-US')} records over keys whose rows exist, tumbling 1m, count/sum/avg/max`,
      table: textTable(
        [
          'keys',
          'cassflow ev/s',
          'row reads',
          'no memory ev/s',
          'naive ev/s',
          'ceiling ev/s',
          'vs naive',
          'vs ceiling',
          'vs no memory',
        ],
        rows,
      ),
      notes:
        `ev/s: median (min–max) of ${repeatsOf(ctx)} repetitions, each on fresh tables, over the ` +
        `${BATCHES} steady batches after a first batch that wrote every key's row; the runs take ` +
        "turns going first. row reads: read calls in the steady batches (a key's rows of a " +
        'partition are read in one). no memory: cassflow with its row cache off (every update ' +
        'reads the row first). naive: one conditional read-modify-write per event. ceiling: ' +
        "cassflow's rows as its own conditional updates, from versions the writer knows, same " +
        'driver and concurrency, no cassflow code.',
      figures: { records: RECORDS, batches: BATCHES, concurrency: CONCURRENCY, results },
      ratios: results.flatMap((r) => [
        {
          name: `steady handler / naive at ${r.keys.toLocaleString('en-US')} keys`,
          value: rate(r.cassflow) / median(r.naive),
          target: 1.5,
        },
        {
          name: `steady handler / ceiling at ${r.keys.toLocaleString('en-US')} keys`,
          value: rate(r.cassflow) / median(r.ceiling),
          target: r.keys === 100 ? 0.8 : 0.9,
        },
        {
          name: `steady handler / without remembered rows at ${r.keys.toLocaleString('en-US')} keys`,
          value: rate(r.cassflow) / rate(r.forgetful),
        },
      ]),
    };
  },
};
