import type { KinesisStreamEvent } from 'aws-lambda';
import { avg, count, sum } from '#lib/aggregates/basic';
import { distinct, quantile } from '#lib/aggregates/index';
import { parseRecord } from '#lib/engine/parse-record';
import { planBatch } from '#lib/engine/plan-batch';
import { addToRow, encodeRow, initRow, mergeRows, type RowAcc } from '#lib/engine/row-accumulator';
import {
  emptySessionState,
  encodeSessionState,
  type SessionValue,
} from '#lib/engine/session-state';
import { fromKinesisEventRecord } from '#lib/lambda/kinesis-event';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import type { Pipeline } from '#lib/pipeline/spec';
import { addToSessions, session, sliding, tumbling } from '#lib/windows/index';
import { kinesisEvent } from '../../test/helpers/kinesis-events.ts';
import type { BenchCase, BenchContext } from '../harness.ts';
import { benchEvents, decodeBatch, shardRecords } from '../records.ts';
import { settleQuietly } from '../settle-quietly.ts';
import { formatSpread, type Spread, spread, textTable } from '../stats.ts';

const RECORDS = 10_000;
const KEYS = 1_000;

const WINDOWS = {
  'tumbling 1m': tumbling('1m'),
  'sliding 10m/1m': sliding('10m', '1m'),
  'session 30s': session('30s'),
} as const;

const AGGREGATES = {
  'count, sum, avg': { n: count(), total: sum('v'), mean: avg('v') },
  'distinct, p95': { uniques: distinct('v'), p95: quantile('v', 0.95) },
} as const;

/** Events/s of `fn` over batches: median and range of `repeats` timed rounds after a warm-up. */
function eventsPerSecond(fn: () => void, repeats: number): Spread {
  const round = () => {
    const start = performance.now();
    let batches = 0;
    while (performance.now() - start < 400) {
      fn();
      batches++;
    }
    return (batches * RECORDS * 1000) / (performance.now() - start);
  };
  round(); // warm-up: the JIT has optimized the path before it is timed
  return spread(Array.from({ length: Math.max(repeats, 3) }, round));
}

/** What the handler does on the CPU: decode, plan rows, fold (sessions: per session), encode. */
function preAggregate(pipeline: Pipeline, event: KinesisStreamEvent): void {
  const plan = planBatch(pipeline, decodeBatch(pipeline, event));
  const aggs = pipeline.aggregates;
  const merge = (a: SessionValue, b: SessionValue) => ({
    acc: mergeRows(aggs, a.acc, b.acc),
    events: a.events + b.events,
  });
  for (const row of plan.rows) {
    if (row.ref.kind !== 'sessions') {
      encodeRow(aggs, row.combined);
      continue;
    }
    const spec = pipeline.windows.find((w) => w.name === row.ref.windowName)?.spec;
    const gap = spec?.kind === 'session' ? spec.gap : 0;
    const state = emptySessionState();
    for (const e of row.events) {
      const acc: RowAcc = addToRow(aggs, initRow(aggs), e.inputs);
      state.open = addToSessions(state.open, e.time, gap, { acc, events: 1n }, merge);
    }
    encodeSessionState(aggs, state);
  }
}

/**
 * Pre-aggregation in memory, no I/O: events/s on one core through the handler's CPU path for
 * each window kind and aggregate set, next to the floor of that path measured in the same run:
 * base64 and JSON decoding of the same records alone.
 */
export const inMemoryCase: BenchCase = {
  name: 'in-memory',
  async run(ctx: BenchContext) {
    const event = kinesisEvent(shardRecords(benchEvents(RECORDS, KEYS)));
    // Each measurement on calm CPUs: this case runs first, often while Cassandra is starting.
    await settleQuietly(ctx.progress);
    ctx.progress('decode only (the floor)');
    const decodeOnly = eventsPerSecond(() => {
      for (const raw of event.Records) parseRecord(fromKinesisEventRecord(raw), 1 << 20);
    }, ctx.repeats);
    const cells: { window: string; aggregates: string; rate: Spread }[] = [];
    for (const [windowName, window] of Object.entries(WINDOWS)) {
      for (const [aggName, aggregates] of Object.entries(AGGREGATES)) {
        await settleQuietly(ctx.progress);
        ctx.progress(`${windowName} with ${aggName}`);
        const pipeline = definePipeline({
          name: 'bench_fold',
          source: { stream: 'bench' },
          key: 'key',
          time: 'ts',
          windows: [window],
          aggregates,
        });
        cells.push({
          window: windowName,
          aggregates: aggName,
          rate: eventsPerSecond(() => preAggregate(pipeline, event), ctx.repeats),
        });
      }
    }
    const rows = [
      ['decode only (baseline)', '', formatSpread(decodeOnly), '1.00'],
      ...cells.map((c) => [
        c.window,
        c.aggregates,
        formatSpread(c.rate),
        (c.rate.median / decodeOnly.median).toFixed(2),
      ]),
    ];
    return {
      title: `1. Pre-aggregation in memory: ${RECORDS.toLocaleString('en-US')}-record batches, ${KEYS.toLocaleString('en-US')} keys, one core`,
      table: textTable(['window', 'aggregates', 'events/s', 'vs decode'], rows),
      notes:
        'events/s: median (min–max) of timed 0.4 s rounds after a warm-up. The path: base64 + ' +
        'JSON decode, validation, planning rows, folding the aggregates (per session for session ' +
        'windows), encoding the rows. vs decode: that rate over decoding alone.',
      figures: { records: RECORDS, keys: KEYS, decodeOnly, cells },
      ratios: cells
        .filter((c) => c.window === 'tumbling 1m')
        .map((c) => ({
          name: `in-memory ${c.window}, ${c.aggregates} / decode only`,
          value: c.rate.median / decodeOnly.median,
          ...(c.aggregates === 'count, sum, avg' ? { target: 0.5 } : {}),
        })),
    };
  },
};
