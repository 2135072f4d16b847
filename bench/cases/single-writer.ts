import { DEFAULT_ENGINE_SETTINGS } from '#lib/engine/cql-ports';
import { kinesisEvent } from '../../test/helpers/kinesis-events.ts';
import { benchPipeline } from '../cassflow-run.ts';
import type { BenchCase, BenchContext } from '../harness.ts';
import { benchEvents, shardRecords } from '../records.ts';
import { rowWritesTable, timeRowUpdates, timeRowWrites } from '../row-writes.ts';
import { settleQuietly } from '../settle-quietly.ts';
import { createFence, timeSingleWriterBatch } from '../single-writer-writes.ts';
import { formatSpread, median, spread, textTable } from '../stats.ts';
import { steadyBatches } from '../steady-batches.ts';

const RECORDS = 10_000;
const KEYS = 100_000;
const BATCHES = 3;
const CONCURRENCY = DEFAULT_ENGINE_SETTINGS.concurrency;

type Rates = {
  ceilingFirst: number[];
  singleFirst: number[];
  ceilingSteady: number[];
  singleSteady: number[];
  singleSteadyRead: number[];
};

const perSecond = (runs: { records: number; wallMs: number }[]) =>
  (runs.reduce((n, r) => n + r.records, 0) / runs.reduce((n, r) => n + r.wallMs, 0)) * 1000;

/** One repetition: fresh tables for each of the five runs, which take turns going first. */
async function repetition(ctx: BenchContext, rep: number, rates: Rates): Promise<void> {
  const firstWrite = kinesisEvent(shardRecords(benchEvents(RECORDS, KEYS, 42 + rep)));
  const steady = steadyBatches(KEYS, RECORDS, BATCHES, 7 + rep);
  const conditional = { conditional: true, concurrency: CONCURRENCY };
  const runs: [keyof Rates, (name: string) => Promise<number>][] = [
    [
      'ceilingFirst',
      async (name) =>
        perSecond([await timeRowWrites(ctx.store, benchPipeline(name), firstWrite, conditional)]),
    ],
    [
      'singleFirst',
      async (name) => {
        const pipeline = benchPipeline(name);
        const fence = await createFence(ctx.store, pipeline);
        const options = { exists: false, base: 'known' as const, concurrency: CONCURRENCY };
        return perSecond([
          await timeSingleWriterBatch(ctx.store, pipeline, firstWrite, fence, options),
        ]);
      },
    ],
    [
      'ceilingSteady',
      async (name) => {
        const pipeline = benchPipeline(name);
        await timeRowWrites(ctx.store, pipeline, steady.first, conditional);
        const versions = new Map<string, bigint>();
        const timed = [];
        for (const event of steady.steady) {
          timed.push(await timeRowUpdates(ctx.store, pipeline, event, versions, CONCURRENCY));
        }
        return perSecond(timed);
      },
    ],
    ...(['known', 'read'] as const).map(
      (base): [keyof Rates, (name: string) => Promise<number>] => [
        base === 'known' ? 'singleSteady' : 'singleSteadyRead',
        async (name) => {
          const pipeline = benchPipeline(name);
          const fence = await createFence(ctx.store, pipeline);
          const first = { exists: false, base: 'known' as const, concurrency: CONCURRENCY };
          await timeSingleWriterBatch(ctx.store, pipeline, steady.first, fence, first);
          const timed = [];
          for (const event of steady.steady) {
            const options = { exists: true, base, concurrency: CONCURRENCY };
            timed.push(await timeSingleWriterBatch(ctx.store, pipeline, event, fence, options));
          }
          return perSecond(timed);
        },
      ],
    ),
  ];
  for (let i = 0; i < runs.length; i++) {
    const [what, run] = runs[(i + rep - 1) % runs.length] as (typeof runs)[0];
    const name = `bench_${ctx.runId}_sw${(i + rep - 1) % runs.length}_r${rep}`;
    const table = rowWritesTable(benchPipeline(name));
    await ctx.store.createTables([table]);
    try {
      await settleQuietly(ctx.progress);
      rates[what].push(await run(name));
    } finally {
      await ctx.store.dropTables([table]);
    }
  }
}

/**
 * Step 4 of issue 19, the write pattern of a single-writer path (docs/single-writer.md) beside
 * the conditional-write ceiling, at 100,000 keys, first writes and steady state: one
 * compare-and-set per batch on the shard's fence, then plain writes with client timestamps. A
 * prototype of the writes only: it says what the path could reach, not what an engine does.
 */
export const singleWriterCase: BenchCase = {
  name: 'single-writer',
  async run(ctx) {
    const rates: Rates = {
      ceilingFirst: [],
      singleFirst: [],
      ceilingSteady: [],
      singleSteady: [],
      singleSteadyRead: [],
    };
    const repeats = Math.max(4, ctx.repeats);
    for (let rep = 1; rep <= repeats; rep++) {
      await repetition(ctx, rep, rates);
      ctx.progress(
        `single writer ${rep}/${repeats}: first ${rates.singleFirst.at(-1)?.toFixed(0)} vs ceiling ` +
          `${rates.ceilingFirst.at(-1)?.toFixed(0)}, steady ${rates.singleSteady.at(-1)?.toFixed(0)} ` +
          `(reading ${rates.singleSteadyRead.at(-1)?.toFixed(0)}) vs ceiling ` +
          `${rates.ceilingSteady.at(-1)?.toFixed(0)} ev/s`,
      );
    }
    const ratio = (a: number[], b: number[]) => median(a) / median(b);
    const row = (what: string, single: number[], ceiling: number[]) => [
      what,
      formatSpread(spread(single)),
      formatSpread(spread(ceiling)),
      `${ratio(single, ceiling).toFixed(2)}x`,
    ];
    return {
      title: `7. Single-writer write pattern (prototype): ${RECORDS.toLocaleString('en-US')}-record batches at ${KEYS.toLocaleString('en-US')} keys`,
      table: textTable(
        ['batch', 'one CAS per batch ev/s', 'one CAS per row ev/s', 'vs ceiling'],
        [
          row('first writes (new rows)', rates.singleFirst, rates.ceilingFirst),
          row('steady, rows remembered', rates.singleSteady, rates.ceilingSteady),
          row('steady, each row read first', rates.singleSteadyRead, rates.ceilingSteady),
        ],
      ),
      notes:
        `ev/s: median (min–max) of ${repeats} repetitions on fresh tables. One CAS per batch: a ` +
        "compare-and-set on the shard's fence row, then cassflow's rows for the batch as plain " +
        'writes USING TIMESTAMP (no engine code). One CAS per row: the ceiling of the default path ' +
        '(IF NOT EXISTS for new rows, IF version = ? AND final = false for existing ones). Steady: ' +
        `${BATCHES} batches over rows a first (untimed) batch wrote.`,
      figures: { records: RECORDS, keys: KEYS, concurrency: CONCURRENCY, rates },
      ratios: [
        {
          name: 'single-writer writes / ceiling, first writes at 100,000 keys',
          value: ratio(rates.singleFirst, rates.ceilingFirst),
          target: 3,
        },
        {
          name: 'single-writer writes / ceiling, steady at 100,000 keys',
          value: ratio(rates.singleSteady, rates.ceilingSteady),
          target: 3,
        },
        {
          name: 'single-writer writes, rows read first / ceiling, steady',
          value: ratio(rates.singleSteadyRead, rates.ceilingSteady),
        },
      ],
    };
  },
};
