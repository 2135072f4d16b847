import { afterAll, describe, expect, it } from 'vitest';
import { count } from '#lib/aggregates/basic';
import type { EnginePorts } from '#lib/engine/ports';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { readWindows } from '#lib/query/read-windows';
import { CqlWatermarks } from '#lib/store/watermark-store';
import { CqlWriteHolds } from '#lib/store/write-holds';
import { tumbling } from '#lib/windows/index';
import { jsonRecord, sequenceNumber } from '../helpers/kinesis-events.ts';
import { pipelineHarness } from '../helpers/pipeline-harness.ts';

const T0 = Date.UTC(2026, 4, 1);
const NOW = T0 + 3_600_000;
/** [T0, T0+1m) closes when the watermark reaches its end plus the allowed second. */
const CLOSE = T0 + 61_000;
const on = (shard: number, position: number, user: string, ts: number) =>
  jsonRecord(`shardId-00000000000${shard}`, sequenceNumber(shard, position), { user, ts });

function pipelineNamed(name: string) {
  return definePipeline({
    name,
    source: { stream: 'clicks' },
    key: 'user',
    time: 'ts',
    windows: [tumbling('1m')],
    aggregates: { n: count() },
    lateness: { outOfOrder: '1s', allowed: '1s' },
  });
}

type Harness = Awaited<ReturnType<typeof pipelineHarness>>;
const harnesses: Harness[] = [];
afterAll(() => Promise.all(harnesses.map((h) => h.close())));

/**
 * A harness whose ports run `meanwhile` once, at a chosen step of the next batch of shard 1:
 * right after it placed its hold, or when it starts indexing its windows (after its cursor read).
 */
async function interleaved(name: string, step: 'after-hold' | 'before-rows') {
  const pipeline = pipelineNamed(name);
  let meanwhile: (() => Promise<unknown>) | undefined;
  const runMeanwhile = async () => {
    const run = meanwhile;
    meanwhile = undefined;
    await run?.();
  };
  const wrap = (ports: EnginePorts): EnginePorts => ({
    ...ports,
    holds: {
      place: async (hold) => {
        await ports.holds.place(hold);
        if (step === 'after-hold' && hold.id.startsWith('shardId-000000000001')) {
          await runMeanwhile();
        }
      },
      release: (id) => ports.holds.release(id),
      list: () => ports.holds.list(),
    },
    index: {
      ...ports.index,
      addOpen: async (windows) => {
        if (step === 'before-rows' && windows.some((w) => w.key === 'late-writer')) {
          await runMeanwhile();
        }
        await ports.index.addOpen(windows);
      },
      dropClosedPage: (page) => ports.index.dropClosedPage(page),
      duePages: (bucket, from, upTo, size) => ports.index.duePages(bucket, from, upTo, size),
      addClosed: (windows, at) => ports.index.addClosed(windows, at),
      closedInBucket: (bucket) => ports.index.closedInBucket(bucket),
      lowestOpenBucket: () => ports.index.lowestOpenBucket(),
    },
  });
  const harness = await pipelineHarness(pipeline, { now: () => NOW, wrapPorts: wrap });
  harnesses.push(harness);
  const cursor = () => new CqlWatermarks(harness.session, pipeline).readCursor();
  const windows = () => readWindows(harness.session, pipeline);
  return {
    pipeline,
    harness,
    cursor,
    windows,
    setMeanwhile: (run: () => Promise<unknown>) => {
      meanwhile = run;
    },
  };
}

describe('write holds: a closer never makes final a window a batch is still writing', () => {
  it('holds the closer back while the batch writes, and closes the window once it is done', async () => {
    // Prepare: shard 0 has seen T0+10s; shard 1 will write into [T0, T0+1m) too.
    const t = await interleaved('it_hold_writes', 'before-rows');
    await t.harness.invoke([on(0, 0, 'early', T0 + 10_000)]);
    let cursorWhileHeld: Awaited<ReturnType<typeof t.cursor>>;
    let finalWhileHeld: boolean[] = [];
    t.setMeanwhile(async () => {
      // Shard 0 moves the watermark far past the window while shard 1 is about to write it.
      await t.harness.invoke([on(0, 1, 'early', T0 + 300_000)]);
      cursorWhileHeld = await t.cursor();
      finalWhileHeld = (await t.windows()).filter((w) => w.start === T0).map((w) => w.final);
    });

    // Act: shard 1's batch; it read the cursor before shard 0 claimed, so its event is not late.
    const response = await t.harness.invoke([on(1, 0, 'late-writer', T0 + 20_000)]);
    const afterBoth = await t.windows();
    // Shard 1 moves on too, and the window closes.
    await t.harness.invoke([on(1, 1, 'late-writer', T0 + 300_000)]);
    const closed = await t.windows();

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(cursorWhileHeld?.claimed).toBe(T0 + 299_000);
    expect(cursorWhileHeld?.done).toBeLessThan(CLOSE);
    expect(finalWhileHeld).toEqual([false]);
    expect(t.harness.batches.reduce((n, b) => n + b.late, 0)).toBe(0);
    expect(afterBoth.filter((w) => w.start === T0).map((w) => [w.key, w.values.n])).toEqual([
      ['early', 1n],
      ['late-writer', 1n],
    ]);
    expect(closed.filter((w) => w.start === T0).map((w) => [w.key, w.final])).toEqual([
      ['early', true],
      ['late-writer', true],
    ]);
  });

  it('sends the events of a batch that finds its window claimed to late events', async () => {
    // Prepare: the claim lands after shard 1 placed its hold, before it reads the cursor.
    const t = await interleaved('it_hold_claimed', 'after-hold');
    await t.harness.invoke([on(0, 0, 'early', T0 + 10_000)]);
    t.setMeanwhile(() => t.harness.invoke([on(0, 1, 'early', T0 + 300_000)]));

    // Act
    const slow = on(1, 0, 'slow', T0 + 20_000);
    const response = await t.harness.invoke([slow]);
    await t.harness.invoke([on(1, 1, 'slow', T0 + 300_000)]);
    const late = await t.harness.session.execute(
      `SELECT window, key FROM ${t.harness.session.table(t.pipeline.tables.lateEvents)} WHERE sequence_number = ? ALLOW FILTERING`,
      [slow.sequenceNumber],
    );
    const windows = await t.windows();

    // Assess: the closer stopped below shard 1's hold, and shard 1 wrote nothing it claimed.
    expect(response.batchItemFailures).toEqual([]);
    expect(late.rows.map((r) => [r.get('key'), r.get('window')])).toEqual([
      ['slow', 'tumbling_1m'],
    ]);
    expect(windows.filter((w) => w.start === T0).map((w) => [w.key, w.final, w.values.n])).toEqual([
      ['early', true, 1n],
    ]);
  });

  it('lets an expired hold go: a batch that died does not stop closing for good', async () => {
    // Prepare: a hold over [T0, T0+1m) whose batch died long ago.
    const t = await interleaved('it_hold_expired', 'after-hold');
    const holds = new CqlWriteHolds(t.harness.session, t.pipeline);
    await holds.place({ id: 'shardId-dead/1', lowestCloseAt: T0, expiresAt: NOW - 1 });
    await t.harness.invoke([on(0, 0, 'a', T0 + 10_000)]);

    // Act
    await t.harness.invoke([on(0, 1, 'a', T0 + 300_000)]);

    // Assess
    expect((await t.windows()).find((w) => w.start === T0)?.final).toBe(true);
    expect(await holds.list()).toEqual([]);
  });

  it('keeps a live hold of another batch in force', async () => {
    // Prepare: a hold that has not expired, as a batch still running would have.
    const t = await interleaved('it_hold_live', 'after-hold');
    const holds = new CqlWriteHolds(t.harness.session, t.pipeline);
    const hold = { id: 'shardId-busy/1', lowestCloseAt: CLOSE, expiresAt: NOW + 60_000 };
    await holds.place(hold);
    await t.harness.invoke([on(0, 0, 'a', T0 + 10_000)]);

    // Act
    await t.harness.invoke([on(0, 1, 'a', T0 + 300_000)]);
    const held = (await t.windows()).find((w) => w.start === T0)?.final;
    const heldAt = t.harness.batches.at(-1)?.closer?.heldAt;
    await holds.release(hold.id);
    await t.harness.invoke([on(0, 2, 'a', T0 + 301_000)]);

    // Assess
    expect(held).toBe(false);
    expect(heldAt).toBe(CLOSE);
    expect((await t.windows()).find((w) => w.start === T0)?.final).toBe(true);
  });
});
