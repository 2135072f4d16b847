import { DEFAULT_ENGINE_SETTINGS } from '#lib/engine/cql-ports';
import { pipelineTables } from '#lib/store/pipeline-tables';
import type { TableSpec } from '#lib/store/schema/table-spec';
import { kinesisEvent } from '../../test/helpers/kinesis-events.ts';
import { benchPipeline, type Phases, timeOneCall } from '../cassflow-run.ts';
import { timeSteadyCalls } from '../cassflow-steady.ts';
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
  /** The real handler, singleWriter on (and off, the default path), on the same batches. */
  handlerFirst: number[];
  defaultFirst: number[];
  handlerSteady: number[];
  defaultSteady: number[];
};

/** Where the handlers' first-write calls spent their time, by phase (cassflow-run.ts). */
type FirstPhases = { singleWriter: Phases[]; default: Phases[] };

type Run = [keyof Rates, (name: string) => Promise<number>, tables?: (name: string) => TableSpec[]];

const perSecond = (runs: { records: number; wallMs: number }[]) =>
  (runs.reduce((n, r) => n + r.records, 0) / runs.reduce((n, r) => n + r.wallMs, 0)) * 1000;

/** One repetition: fresh tables for each of the five runs, which take turns going first. */
async function repetition(
  ctx: BenchContext,
  rep: number,
  rates: Rates,
  phases: FirstPhases,
): Promise<void> {
  const firstWrite = kinesisEvent(shardRecords(benchEvents(RECORDS, KEYS, 42 + rep)));
  const steady = steadyBatches(KEYS, RECORDS, BATCHES, 7 + rep);
  const conditional = { conditional: true, concurrency: CONCURRENCY };
  const handlerTables = (singleWriter: boolean) => (name: string) =>
    pipelineTables(benchPipeline(name, singleWriter));
  const handlerRuns = [true, false].flatMap((singleWriter): Run[] => [
    [
      singleWriter ? 'handlerFirst' : 'defaultFirst',
      async (name) => {
        const run = await timeOneCall(ctx.store, benchPipeline(name, singleWriter), firstWrite);
        phases[singleWriter ? 'singleWriter' : 'default'].push(run.phases);
        return run.eventsPerSec;
      },
      handlerTables(singleWriter),
    ],
    [
      singleWriter ? 'handlerSteady' : 'defaultSteady',
      async (name) =>
        (await timeSteadyCalls(ctx.store, benchPipeline(name, singleWriter), steady, true))
          .eventsPerSec,
      handlerTables(singleWriter),
    ],
  ]);
  const runs: Run[] = [
    ...handlerRuns,
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
      (base): Run => [
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
    const [what, run, tablesOf] = runs[(i + rep - 1) % runs.length] as Run;
    const name = `bench_${ctx.runId}_sw${(i + rep - 1) % runs.length}_r${rep}`;
    const tables = tablesOf ? tablesOf(name) : [rowWritesTable(benchPipeline(name))];
    await ctx.store.createTables(tables);
    try {
      await settleQuietly(ctx.progress);
      rates[what].push(await run(name));
    } finally {
      await ctx.store.dropTables(tables);
    }
  }
}

/**
 * Step 4 of issue 19 (docs/single-writer.md): the real handler with `singleWriter` on and off,
 * and the path's write pattern alone, beside the conditional-write ceiling, at 100,000 keys, first
 * writes and steady state.
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
      handlerFirst: [],
      defaultFirst: [],
      handlerSteady: [],
      defaultSteady: [],
    };
    const phases: FirstPhases = { singleWriter: [], default: [] };
    const repeats = Math.max(4, ctx.repeats);
    for (let rep = 1; rep <= repeats; rep++) {
      await repetition(ctx, rep, rates, phases);
      ctx.progress(
        `single writer ${rep}/${repeats}: handler first ${rates.handlerFirst.at(-1)?.toFixed(0)} ` +
          `(default ${rates.defaultFirst.at(-1)?.toFixed(0)}), steady ` +
          `${rates.handlerSteady.at(-1)?.toFixed(0)} (default ${rates.defaultSteady.at(-1)?.toFixed(0)}); ` +
          `writes first ${rates.singleFirst.at(-1)?.toFixed(0)} vs ceiling ` +
          `${rates.ceilingFirst.at(-1)?.toFixed(0)}, steady ${rates.singleSteady.at(-1)?.toFixed(0)} ` +
          `(reading ${rates.singleSteadyRead.at(-1)?.toFixed(0)}) vs ceiling ` +
          `${rates.ceilingSteady.at(-1)?.toFixed(0)} ev/s`,
      );
    }
    const ratio = (a: number[], b: number[]) => median(a) / median(b);
    const phaseMs = (of: Phases[], name: keyof Phases) => median(of.map((p) => p[name]));
    const phaseNames: (keyof Phases)[] = ['decodeAndPlan', 'index', 'rows', 'watermark', 'closer'];
    const byPhase = phaseNames
      .map(
        (name) =>
          `${name} ${phaseMs(phases.singleWriter, name).toFixed(0)} / ` +
          `${phaseMs(phases.default, name).toFixed(0)}`,
      )
      .join(', ');
    // The rows phase alone, as events per second: what the ceiling's writes compare with (the
    // handler's first call also closes the batch's due windows, which the ceiling does not).
    const rowsRate = (of: Phases[]) => of.map((p) => (RECORDS / p.rows) * 1000);
    const row = (what: string, single: number[], ceiling: number[]) => [
      what,
      formatSpread(spread(single)),
      formatSpread(spread(ceiling)),
      `${ratio(single, ceiling).toFixed(2)}x`,
    ];
    return {
      title: `7. Single-writer path: ${RECORDS.toLocaleString('en-US')}-record batches at ${KEYS.toLocaleString('en-US')} keys`,
      table: textTable(
        ['batch', 'ev/s', 'ceiling ev/s', 'vs ceiling'],
        [
          row('handler, singleWriter: first writes', rates.handlerFirst, rates.ceilingFirst),
          row('handler, default path: first writes', rates.defaultFirst, rates.ceilingFirst),
          row(
            '  rows phase alone, singleWriter',
            rowsRate(phases.singleWriter),
            rates.ceilingFirst,
          ),
          row('  rows phase alone, default path', rowsRate(phases.default), rates.ceilingFirst),
          row('handler, singleWriter: steady', rates.handlerSteady, rates.ceilingSteady),
          row('handler, default path: steady', rates.defaultSteady, rates.ceilingSteady),
          row('writes only: first writes (new rows)', rates.singleFirst, rates.ceilingFirst),
          row('writes only: steady, rows remembered', rates.singleSteady, rates.ceilingSteady),
          row('writes only: steady, each row read', rates.singleSteadyRead, rates.ceilingSteady),
        ],
      ),
      notes:
        `ev/s: median (min–max) of ${repeats} repetitions on fresh tables, the runs taking turns ` +
        'going first. Handler: the real Lambda handler (one container), with singleWriter on ' +
        "(one compare-and-set per batch on the shard's row, rows written USING TIMESTAMP) and " +
        'off. Writes only: the write pattern without engine code (the 2026-12-07 prototype). ' +
        'Ceiling: one conditional write per row straight from the driver (IF NOT EXISTS for new ' +
        `rows, IF version = ? AND final = false for existing ones). Steady: ${BATCHES} batches ` +
        'over rows a first (untimed) batch wrote; the handler remembers them (trusted: its own ' +
        'claims), the default path skips the read the same way. First-write calls by phase, ' +
        `median ms, singleWriter / default: ${byPhase} (the closer makes the batch's 4 due ` +
        'windows final for every key).',
      figures: { records: RECORDS, keys: KEYS, concurrency: CONCURRENCY, rates, phases },
      ratios: [
        {
          name: 'singleWriter handler / ceiling, first writes at 100,000 keys',
          value: ratio(rates.handlerFirst, rates.ceilingFirst),
          target: 3,
        },
        {
          name: 'singleWriter handler / ceiling, steady at 100,000 keys',
          value: ratio(rates.handlerSteady, rates.ceilingSteady),
          target: 3,
        },
        {
          name: "singleWriter handler's rows phase / ceiling, first writes",
          value: ratio(rowsRate(phases.singleWriter), rates.ceilingFirst),
        },
        {
          name: 'singleWriter handler / default handler, first writes',
          value: ratio(rates.handlerFirst, rates.defaultFirst),
        },
        {
          name: 'singleWriter handler / default handler, steady',
          value: ratio(rates.handlerSteady, rates.defaultSteady),
        },
        {
          name: 'single-writer writes only / ceiling, first writes',
          value: ratio(rates.singleFirst, rates.ceilingFirst),
        },
        {
          name: 'single-writer writes only / ceiling, steady',
          value: ratio(rates.singleSteady, rates.ceilingSteady),
        },
      ],
    };
  },
};
