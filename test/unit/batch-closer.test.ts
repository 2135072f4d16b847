import { describe, expect, it } from 'vitest';
import type { EnginePorts } from '#lib/engine/ports';
import { processBatch } from '#lib/engine/process-batch';
import { calmStore } from '../helpers/engine-model/calm-store.ts';
import { schedulePipeline, T0 } from '../helpers/engine-model/scenario.ts';
import { scheduleRecord } from '../helpers/engine-model/schedule-record.ts';

const pipeline = schedulePipeline();
const SECOND = 1000;
const rec = (shardId: string, seq: number, ts: number, key = 'k') =>
  scheduleRecord(shardId, seq, key, ts);

/**
 * The ports, where the first shard read after a shard's advance (the closer's claim, reading the
 * shards) returns only on `release()`, with what it read before: a stale view of the watermarks.
 */
function heldClaim(ports: EnginePorts) {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let armed = false;
  let holding = false;
  const wrapped: EnginePorts = {
    ...ports,
    watermarks: {
      ...ports.watermarks,
      advanceShard: async (next, previous) => {
        const moved = await ports.watermarks.advanceShard(next, previous);
        if (!holding) armed = true;
        return moved;
      },
      readShards: async () => {
        const shards = await ports.watermarks.readShards();
        if (armed) {
          armed = false;
          holding = true;
          await released;
        }
        return shards;
      },
    },
  };
  return { ports: wrapped, release, holding: () => holding };
}

describe('closing after a batch, one run at a time per container', () => {
  it("lets a batch return while the container's closer runs, and closes its windows after", async () => {
    // Prepare: shard b lags behind a, so nothing is due yet.
    const { store, settings, ports } = calmStore();
    await processBatch(
      pipeline,
      [rec('a', 1, T0 + 5 * SECOND), rec('a', 2, T0 + 60 * SECOND)],
      ports,
      settings,
    );
    await processBatch(pipeline, [rec('b', 1, T0 + SECOND)], ports, settings);
    const held = heldClaim(ports);

    // Act: a's batch closes with its claim held (it read the shards before b moved on); meanwhile
    // b's batch moves the pipeline's watermark on.
    const first = processBatch(pipeline, [rec('a', 3, T0 + 61 * SECOND)], held.ports, settings);
    while (!held.holding()) await new Promise((resolve) => setImmediate(resolve));
    const second = await processBatch(
      pipeline,
      [rec('b', 2, T0 + 40 * SECOND)],
      held.ports,
      settings,
    );
    held.release();
    const firstResult = await first;

    // Assess: b's batch did not close (nor wait for the held run); the held run, which read the
    // shards before b moved on, went again and closed up to b's new watermark.
    expect(second.closer).toBeUndefined();
    expect(firstResult.closer?.watermark).toBe(T0 + 38 * SECOND); // b at 40 s, less 2 s of disorder
    const closedStarts = [...store.rows.values()]
      .filter((r) => r.window === 'tumbling_10s' && r.final)
      .map((r) => r.start);
    expect(closedStarts).toContain(T0);
  });

  it('runs each batch its own closer when none is running', async () => {
    const { settings, ports } = calmStore();
    const a = await processBatch(pipeline, [rec('a', 1, T0 + 30 * SECOND)], ports, settings);
    const b = await processBatch(pipeline, [rec('a', 2, T0 + 50 * SECOND)], ports, settings);

    expect(a.closer).toBeDefined();
    expect(b.closer?.watermark).toBe(b.watermark);
    expect(b.closer?.watermark).toBeGreaterThan(a.closer?.watermark ?? Number.POSITIVE_INFINITY);
  });
});

describe('closing after a batch, a budget at a time', () => {
  /** 12 keys with windows at T0 on shard a, and a closer after a batch held to 4 windows. */
  async function twelveKeys(maxCloserLagMs: number) {
    const calm = calmStore();
    const budgeted = { ...calm.settings, maxClosesPerBatch: 4, maxCloserLagMs };
    const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
    await processBatch(
      pipeline,
      keys.map((key, i) => rec('a', i + 1, T0 + SECOND, key)),
      calm.ports,
      budgeted,
    );
    const finalTumbling = () =>
      [...calm.store.rows.values()].filter((r) => r.window === 'tumbling_10s' && r.final).length;
    return { ...calm, budgeted, keys, finalTumbling };
  }

  it('closes at most maxClosesPerBatch windows after a batch; the next batches close the rest', async () => {
    const { ports, budgeted, keys, finalTumbling } = await twelveKeys(10 * 60 * SECOND);

    // Act: a batch moves the watermark past every one of those windows.
    const first = await processBatch(pipeline, [rec('a', 20, T0 + 60 * SECOND)], ports, budgeted);

    // Assess: it stopped at its budget (12 keys have more than 4 due windows), and the batches
    // after it go on from there, 4 at a time, until every window is final.
    expect(first.closer?.complete).toBe(false);
    expect(first.closer?.visited).toBe(4);
    expect(finalTumbling()).toBeLessThan(keys.length);
    let seq = 21;
    for (; finalTumbling() < keys.length && seq < 100; seq++) {
      const next = await processBatch(pipeline, [rec('a', seq, T0 + 60 * SECOND)], ports, budgeted);
      expect(next.closer?.visited).toBeLessThanOrEqual(4);
    }
    expect(finalTumbling()).toBe(keys.length);
  });

  it('closes all that is due when the closer trails its claim by more than maxCloserLagMs', async () => {
    const { ports, budgeted, keys, finalTumbling } = await twelveKeys(10 * SECOND);

    // Act: a batch moves the watermark on by 59 s, past every one of those windows.
    const first = await processBatch(pipeline, [rec('a', 20, T0 + 60 * SECOND)], ports, budgeted);

    // Assess: more than 10 s behind, the budget did not hold: one run closed them all.
    expect(first.closer?.complete).toBe(true);
    expect(first.closer?.visited).toBeGreaterThan(4);
    expect(finalTumbling()).toBe(keys.length);
  });
});
