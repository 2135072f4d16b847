import { afterAll, describe, expect, it } from 'vitest';
import { avg, count, max, min, sum } from '#lib/aggregates/basic';
import type { EnginePorts } from '#lib/engine/ports';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { tumbling } from '#lib/windows/index';
import { eventStream, expectedTumbling, seededRandom } from '../helpers/event-stream.ts';
import type { ShardRecord } from '../helpers/kinesis-events.ts';
import { pipelineHarness } from '../helpers/pipeline-harness.ts';

const T0 = Date.UTC(2026, 2, 1);
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
  it('stores exactly the in-memory results', async () => {
    const pipeline = pipelineNamed('gt_clean');
    const harness = await pipelineHarness(pipeline, { shards: 4 });
    harnesses.push(harness);
    for (const batch of roundRobinBatches()) {
      const response = await harness.invoke(batch);
      expect(response.batchItemFailures).toEqual([]);
    }
    expect(harness.batches.reduce((n, b) => n + b.late + b.deadLettered, 0)).toBe(0);
    assertEqualsGroundTruth(await readTumblingRows(harness, pipeline.tables.windows));
    expect(harness.batches.some((b) => (b.closer?.finalized ?? 0) > 0)).toBe(true);
  });

  it('stays exact under duplicate, bisected, zombie and failed deliveries', async () => {
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
        <A extends unknown[]>(write: (...args: A) => Promise<boolean>) =>
        async (...args: A) => {
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
          create: guarded((id, state) => ports.rows.create(id, state)),
          update: guarded((id, state, v) => ports.rows.update(id, state, v)),
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
