import { afterAll, describe, expect, it } from 'vitest';
import { avg, count, distinct, max, min, quantile, sum } from '#lib/aggregates/index';
import type { EnginePorts } from '#lib/engine/ports';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { readWindows } from '#lib/query/read-windows';
import type { WindowResult } from '#lib/query/window-result';
import { session, sliding, tumbling } from '#lib/windows/index';
import { eventStream, expectedTumbling, seededRandom } from '../helpers/event-stream.ts';
import {
  type ExpectedWindow,
  exactQuantile,
  expectedWindows,
} from '../helpers/expected-windows.ts';
import type { ShardRecord } from '../helpers/kinesis-events.ts';
import { pipelineHarness } from '../helpers/pipeline-harness.ts';
import { utcDaysAgo } from '../helpers/recent-day.ts';

const T0 = utcDaysAgo(3);
const MINUTE = 60_000;
const BATCH = 500;
const stream = eventStream({
  count: 100_000,
  keys: 1000,
  shards: 4,
  start: T0,
  stepMs: 6,
  jitterMs: 1000,
  seed: 42,
});
const expected = expectedTumbling(stream.events, MINUTE);

const everyWindowPipeline = definePipeline({
  name: 'gt_every_window',
  source: { stream: 'ground-truth' },
  key: 'user',
  time: 'ts',
  windows: [tumbling('1m'), sliding('2m', '1m'), session('15s')],
  aggregates: {
    n: count(),
    total: sum('ms'),
    lo: min('ms'),
    hi: max('ms'),
    mean: avg('ms'),
    pages: distinct('page'),
    p95: quantile('ms', 0.95),
  },
  lateness: { outOfOrder: '2s', allowed: '5s' },
});
const EVERY_WINDOW_TRUTH = expectedWindows(stream.events, {
  tumbling: MINUTE,
  sliding: { size: 2 * MINUTE, slide: MINUTE },
  sessionGap: 15_000,
  names: ['tumbling_1m', 'sliding_2m_1m', 'session_15s'],
});

/** Exact for count/sum/min/max/avg; the sketches' relative errors, for their documented bounds. */
function compareWithGroundTruth(
  found: readonly WindowResult[],
  truth: Map<string, ExpectedWindow>,
) {
  const problems: string[] = [];
  let worstDistinct = 0;
  let worstQuantile = 0;
  if (found.length !== truth.size) problems.push(`${found.length} windows, expected ${truth.size}`);
  for (const w of found) {
    const want = truth.get(`${w.key}|${w.window}|${w.start}`);
    if (!want) {
      problems.push(`unexpected ${w.key} ${w.window} ${w.start}`);
      continue;
    }
    const ms = want.events.map((e) => e.ms);
    const total = ms.reduce((a, b) => a + b, 0);
    const exact = {
      end: want.end,
      events: BigInt(ms.length),
      n: BigInt(ms.length),
      total,
      lo: Math.min(...ms),
      hi: Math.max(...ms),
      mean: total / ms.length,
    };
    const got = { end: w.end, events: w.events, ...w.values };
    for (const [name, value] of Object.entries(exact)) {
      if ((got as Record<string, unknown>)[name] !== value) {
        problems.push(
          `${w.key} ${w.window} ${w.start} ${name}: ${String((got as Record<string, unknown>)[name])} != ${value}`,
        );
      }
    }
    const pages = new Set(want.events.map((e) => e.page)).size;
    worstDistinct = Math.max(worstDistinct, Math.abs(Number(w.values.pages) - pages) / pages);
    const p95 = exactQuantile(ms, 0.95);
    worstQuantile = Math.max(worstQuantile, Math.abs((w.values.p95 as number) - p95) / p95);
  }
  return { problems, worstDistinct, worstQuantile };
}

function pipelineNamed(name: string) {
  return definePipeline({
    name,
    source: { stream: 'ground-truth' },
    key: 'user',
    time: 'ts',
    windows: [tumbling('1m')],
    aggregates: { n: count(), total: sum('ms'), lo: min('ms'), hi: max('ms'), mean: avg('ms') },
    lateness: { outOfOrder: '2s', allowed: '5s' },
  });
}

/** Each shard's records cut into batches, delivered round-robin as Lambda runs shards side by side. */
function roundRobinBatches(): ShardRecord[][] {
  const perShard = stream.byShard.map((records) => {
    const batches: ShardRecord[][] = [];
    for (let i = 0; i < records.length; i += BATCH) batches.push(records.slice(i, i + BATCH));
    return batches;
  });
  const out: ShardRecord[][] = [];
  for (let round = 0; perShard.some((b) => b.length > round); round++) {
    for (const batches of perShard) {
      const batch = batches[round];
      if (batch) out.push(batch);
    }
  }
  return out;
}

type Harness = Awaited<ReturnType<typeof pipelineHarness>>;

async function readTumblingRows(harness: Harness, table: string) {
  const rows = new Map<
    string,
    { n: bigint; total: number; lo: number; hi: number; mean: number }
  >();
  let pageState: string | undefined;
  do {
    const page = await harness.session.execute(
      `SELECT key, window, window_start, n, total, lo, hi, mean FROM ${harness.session.table(table)}`,
      [],
      { fetchSize: 5000, ...(pageState ? { pageState } : {}) },
    );
    for (const r of page.rows) {
      if (r.get('window') !== 'tumbling_1m') continue;
      rows.set(`${r.get('key')}|${(r.get('window_start') as Date).getTime()}`, {
        n: r.get('n'),
        total: r.get('total'),
        lo: r.get('lo'),
        hi: r.get('hi'),
        mean: r.get('mean'),
      });
    }
    pageState = page.pageState ?? undefined;
  } while (pageState);
  return rows;
}

function assertEqualsGroundTruth(actual: Awaited<ReturnType<typeof readTumblingRows>>) {
  expect(actual.size).toBe(expected.size);
  let mismatches = 0;
  for (const [id, want] of expected) {
    const got = actual.get(id);
    const ok =
      got &&
      got.n === want.n &&
      got.total === want.total &&
      got.lo === want.lo &&
      got.hi === want.hi &&
      got.mean === want.total / Number(want.n);
    if (!ok) mismatches++;
  }
  expect(mismatches).toBe(0);
}

const harnesses: Harness[] = [];
afterAll(() => Promise.all(harnesses.map((h) => h.close())));

describe('ground truth: 100,000 events over 1,000 keys and 4 shards', () => {
  it('stores exactly the in-memory results in every window kind, sketches within their bounds', async () => {
    const harness = await pipelineHarness(everyWindowPipeline, { shards: 4 });
    harnesses.push(harness);
    for (const batch of roundRobinBatches()) {
      const response = await harness.invoke(batch);
      expect(response.batchItemFailures).toEqual([]);
    }
    expect(harness.batches.reduce((n, b) => n + b.late + b.deadLettered, 0)).toBe(0);
    expect(harness.batches.some((b) => (b.closer?.finalized ?? 0) > 0)).toBe(true);
    // A closer after a batch keeps to a budget (batch-closer.ts); the tick, on its schedule,
    // closes what the last batches left.
    let closedAll = false;
    for (let tick = 0; tick < 10 && !closedAll; tick++) {
      closedAll = (await harness.tick()).closer.complete;
    }
    expect(closedAll).toBe(true);
    const found = await readWindows(harness.session, everyWindowPipeline);
    const report = compareWithGroundTruth(found, EVERY_WINDOW_TRUTH);
    // Every window the last watermark passed is final: none was missing from the open index.
    const watermark = harness.batches.at(-1)?.watermark ?? Number.NEGATIVE_INFINITY;
    const allowed = everyWindowPipeline.lateness.allowedMs;
    const due = found.filter((w) => w.end + allowed <= watermark);
    expect(due.length).toBeGreaterThan(found.length / 2);
    expect(due.filter((w) => !w.final).map((w) => `${w.key} ${w.window} ${w.start}`)).toEqual([]);
    console.log(
      `ground truth: ${found.length.toLocaleString('en-US')} windows compared; worst distinct error ` +
        `${(report.worstDistinct * 100).toFixed(2)}%, worst p95 error ${(report.worstQuantile * 100).toFixed(3)}%`,
    );
    expect(report.problems.slice(0, 5)).toEqual([]);
    expect(report.worstDistinct).toBeLessThanOrEqual(0.025);
    expect(report.worstQuantile).toBeLessThanOrEqual(0.01);
  }, 600_000);

  it('stays exact under duplicate, bisected, zombie and failed deliveries', {
    timeout: 600_000,
  }, async () => {
    // Prepare: writes fail on demand, before or after reaching Cassandra.
    const faults = {
      duplicate: 0,
      bisect: 0,
      zombie: 0,
      failBeforeWrite: 0,
      failAfterWrite: 0,
      replay: 0,
    };
    let failWrites: 'before' | 'after' | undefined;
    const random = seededRandom(7);
    const wrap = (ports: EnginePorts): EnginePorts => {
      const guarded =
        <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
        async (...args: A): Promise<R> => {
          // Mostly-failing writes before the write exhaust the row's retries: a partial failure.
          const odds = failWrites === 'before' ? 0.8 : 0.3;
          const mode = failWrites && random() < odds ? failWrites : undefined;
          if (mode === 'before') {
            faults.failBeforeWrite++;
            throw new Error('injected: lost between read and write');
          }
          const applied = await write(...args);
          if (mode === 'after') {
            faults.failAfterWrite++;
            throw new Error('injected: write applied, answer lost');
          }
          return applied;
        };
      return {
        ...ports,
        rows: {
          read: (id) => ports.rows.read(id),
          readRange: (id, from, to) => ports.rows.readRange(id, from, to),
          readSettled: (id, from, to) => ports.rows.readSettled(id, from, to),
          create: guarded((id, state) => ports.rows.create(id, state)),
          update: guarded((id, state, v) => ports.rows.update(id, state, v)),
          finalize: guarded((ids) => ports.rows.finalize(ids)),
          partitionWrites: ports.rows.partitionWrites,
          readMany: (partition, starts) => ports.rows.readMany(partition, starts),
          writePartition: guarded((partition, writes) =>
            ports.rows.writePartition(partition, writes),
          ),
          writeAt: guarded((partition, writes, timestamp) =>
            ports.rows.writeAt(partition, writes, timestamp),
          ),
        },
      };
    };
    const pipeline = pipelineNamed('gt_faults');
    const harness = await pipelineHarness(pipeline, { wrapPorts: wrap, shards: 4 });
    harnesses.push(harness);

    // Lambda's behaviour: on a partial failure, deliver again from the reported record.
    const deliver = async (batch: ShardRecord[]) => {
      let pending = batch;
      for (let attempt = 0; attempt < 50 && pending.length > 0; attempt++) {
        const response = await harness.invoke(pending);
        const failed = response.batchItemFailures[0]?.itemIdentifier;
        if (!failed) return;
        faults.replay++;
        pending = pending.filter((r) => r.sequenceNumber >= BigInt(failed));
      }
      throw new Error('batch never succeeded');
    };

    // Act
    for (const [i, batch] of roundRobinBatches().entries()) {
      const fault = i % 6;
      if (fault === 0) {
        faults.duplicate++;
        await deliver(batch);
        await deliver(batch);
      } else if (fault === 1) {
        faults.bisect++;
        await deliver(batch.slice(0, batch.length / 2));
        await deliver(batch);
      } else if (fault === 2) {
        faults.zombie++;
        await Promise.all([deliver(batch), deliver(batch)]);
      } else if (fault === 3 || fault === 4) {
        failWrites = fault === 3 ? 'before' : 'after';
        await deliver(batch);
        failWrites = undefined;
      } else {
        await deliver(batch);
      }
    }

    // Assess
    const injected = Object.values(faults).reduce((a, b) => a + b, 0);
    console.log(`ground truth under faults: ${injected} faults injected`, faults);
    expect(faults.failBeforeWrite).toBeGreaterThan(0);
    expect(faults.failAfterWrite).toBeGreaterThan(0);
    expect(faults.replay).toBeGreaterThan(0);
    assertEqualsGroundTruth(await readTumblingRows(harness, pipeline.tables.windows));
  });
});
