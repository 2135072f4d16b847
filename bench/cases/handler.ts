import { DEFAULT_ENGINE_SETTINGS } from '#lib/engine/cql-ports';
import type { Pipeline } from '#lib/pipeline/spec';
import { pipelineTables } from '#lib/store/pipeline-tables';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { kinesisEvent } from '../../test/helpers/kinesis-events.ts';
import { benchPipeline, type CassflowRun, runCassflowOnce, timeOneCall } from '../cassflow-run.ts';
import type { BenchCase, BenchContext } from '../harness.ts';
import { naiveOnce, naiveTable, timeNaive } from '../naive-lwt.ts';
import { benchEvents, shardRecords } from '../records.ts';
import { rowWritesTable, timeRowWrites, writeRowsDirectly } from '../row-writes.ts';
import { settleQuietly } from '../settle-quietly.ts';
import { formatSpread, median, spread, textTable } from '../stats.ts';

const RECORDS = 10_000;
const KEY_COUNTS = [100, 10_000, 100_000];
const CONCURRENCY = DEFAULT_ENGINE_SETTINGS.concurrency;

type KeyCount = {
  keys: number;
  cassflow: CassflowRun[];
  naive: number[];
  ceiling: number[];
  unconditional: number[];
};

/** The four runs of a repetition take each place in the order equally often: a multiple of 4. */
function repeatsOf(ctx: BenchContext): number {
  return Math.ceil(ctx.repeats / 4) * 4;
}

/**
 * One repetition's four runs on the same batch. Every table of the repetition is created before
 * any run and dropped after the last (schema changes make Cassandra flush, so none lands inside
 * a timed run), and the runs take turns going first across repetitions.
 */
async function measure(ctx: BenchContext, keys: number): Promise<KeyCount> {
  const repeats = repeatsOf(ctx);
  const event = kinesisEvent(shardRecords(benchEvents(RECORDS, keys)));
  const result: KeyCount = { keys, cassflow: [], naive: [], ceiling: [], unconditional: [] };
  const settle = () => settleQuietly(ctx.progress);
  for (let rep = 1; rep <= repeats; rep++) {
    const name = (what: string) => `bench_${ctx.runId}_${what}_k${keys}_r${rep}`;
    const cassflow = benchPipeline(name('h'));
    const ceiling = benchPipeline(name('c'));
    const plain = benchPipeline(name('u'));
    const naive = naiveTable(name('naive'));
    const rowWrites = async (conditional: boolean, pipeline: Pipeline, into: number[]) => {
      const options = { conditional, concurrency: CONCURRENCY };
      into.push((await timeRowWrites(ctx.store, pipeline, event, options)).eventsPerSec);
    };
    const tables = [
      ...CORE_TABLES,
      ...pipelineTables(cassflow),
      rowWritesTable(ceiling),
      rowWritesTable(plain),
      naive,
    ];
    await ctx.store.createTables(tables);
    try {
      const runs: (() => Promise<void>)[] = [
        async () => {
          result.cassflow.push(await timeOneCall(ctx.store, cassflow, event));
        },
        async () => {
          result.naive.push(
            (await timeNaive(ctx.store, naive.name, event, CONCURRENCY)).eventsPerSec,
          );
        },
        () => rowWrites(true, ceiling, result.ceiling),
        () => rowWrites(false, plain, result.unconditional),
      ];
      for (let i = 0; i < runs.length; i++) {
        await settle();
        await runs[(i + rep - 1) % runs.length]?.();
      }
    } finally {
      await ctx.store.dropTables(tables.filter((t) => !CORE_TABLES.includes(t)));
    }
    const run = result.cassflow.at(-1);
    ctx.progress(
      `K=${keys} ${rep}/${repeats}: cassflow ${run?.eventsPerSec.toFixed(0)} ev/s ` +
        `(${run?.conditionalWrites} cond. writes, ${run?.casRetries} retried), naive ` +
        `${result.naive.at(-1)?.toFixed(0)}, ceiling ${result.ceiling.at(-1)?.toFixed(0)}, ` +
        `unconditional ${result.unconditional.at(-1)?.toFixed(0)} ev/s`,
    );
  }
  return result;
}

/**
 * The real aggregation handler on one 10,000-record batch against Cassandra, at 100, 10,000 and
 * 100,000 distinct keys, with three baselines in the same run: the naive handler (one
 * conditional read-modify-write per event), the ceiling (cassflow's rows written straight as
 * conditional inserts, same driver and concurrency, no cassflow code) and the same rows as plain
 * inserts.
 */
export const handlerCase: BenchCase = {
  name: 'handler',
  async run(ctx) {
    ctx.progress('warm-up: handler, naive and direct writes on their own tables');
    const warm = kinesisEvent(shardRecords(benchEvents(1000, 1000)));
    await runCassflowOnce(ctx.store, benchPipeline(`bench_${ctx.runId}_warm`), warm);
    await naiveOnce(ctx.store, `bench_${ctx.runId}_naive_warm`, warm, CONCURRENCY);
    await writeRowsDirectly(ctx.store, benchPipeline(`bench_${ctx.runId}_cwarm`), warm, {
      conditional: true,
      concurrency: CONCURRENCY,
    });
    const results: KeyCount[] = [];
    for (const keys of KEY_COUNTS) results.push(await measure(ctx, keys));

    const m = (values: number[]) => median(values);
    const cassflowRate = (r: KeyCount) => m(r.cassflow.map((c) => c.eventsPerSec));
    const rows = results.map((r) => [
      r.keys.toLocaleString('en-US'),
      formatSpread(spread(r.cassflow.map((c) => c.eventsPerSec))),
      String(m(r.cassflow.map((c) => c.conditionalWrites))),
      String(m(r.cassflow.map((c) => c.casRetries))),
      (m(r.cassflow.map((c) => c.lwtStatements)) / RECORDS).toFixed(2),
      (m(r.cassflow.map((c) => c.statements)) / RECORDS).toFixed(2),
      formatSpread(spread(r.naive)),
      formatSpread(spread(r.ceiling)),
      formatSpread(spread(r.unconditional)),
      `${(cassflowRate(r) / m(r.naive)).toFixed(2)}x`,
      `${(cassflowRate(r) / m(r.ceiling)).toFixed(2)}x`,
    ]);
    const phases = results.map((r) => {
      const p = (name: keyof CassflowRun['phases']) =>
        m(r.cassflow.map((c) => c.phases[name])).toFixed(0);
      return [
        r.keys.toLocaleString('en-US'),
        p('decodeAndPlan'),
        p('index'),
        p('rows'),
        p('watermark'),
        p('closer'),
        String(m(r.cassflow.map((c) => c.windowsClosed))),
      ];
    });
    return {
      title: `2. Handler against Cassandra: one ${RECORDS.toLocaleString('en-US')}-record batch, tumbling 1m, count/sum/avg/max, concurrency ${CONCURRENCY}`,
      table: `${textTable(
        [
          'keys',
          'cassflow ev/s',
          'cond. writes',
          'lost+retried',
          'LWTs/event',
          'stmts/event',
          'naive ev/s',
          'ceiling ev/s',
          'plain writes ev/s',
          'vs naive',
          'vs ceiling',
        ],
        rows,
      )}\n\nWhere the handler's time went (median ms):\n\n${textTable(
        ['keys', 'decode+plan', 'index', 'rows', 'watermark', 'closer', 'windows closed'],
        phases,
      )}`,
      notes:
        `ev/s: median (min–max) of ${repeatsOf(ctx)} repetitions, each on fresh tables made ` +
        'before its first run, its four runs taking turns going first, each after the CPUs ' +
        'settled. cond. writes: row compare-and-sets; lost+retried: those that lost and were ' +
        'retried. LWTs/event: every conditional statement of the call (closing included) per ' +
        'event; stmts/event: every statement. naive: one conditional read-modify-write per ' +
        "event. ceiling: cassflow's rows " +
        'as conditional inserts, same driver and concurrency, no cassflow code; plain writes: ' +
        'the same rows without the condition. The event times span 5 minutes, so the call also ' +
        'closes the windows that become final (closer).',
      figures: { records: RECORDS, concurrency: CONCURRENCY, results },
      // Issue 19's targets (and the 20x at 100 keys an earlier issue set). The rows phase alone
      // beside the ceiling says how much of a gap is closing, which neither baseline does.
      ratios: results.flatMap((r) => [
        {
          name: `handler / naive at ${r.keys.toLocaleString('en-US')} keys`,
          value: cassflowRate(r) / m(r.naive),
          target: r.keys === 100 ? 20 : 1.5,
        },
        {
          name: `handler / ceiling at ${r.keys.toLocaleString('en-US')} keys`,
          value: cassflowRate(r) / m(r.ceiling),
          target: r.keys === 100 ? 0.8 : 0.9,
        },
        {
          name: `handler rows phase / ceiling at ${r.keys.toLocaleString('en-US')} keys`,
          value: RECORDS / m(r.cassflow.map((c) => c.phases.rows)) / (m(r.ceiling) / 1000),
        },
      ]),
    };
  },
};
