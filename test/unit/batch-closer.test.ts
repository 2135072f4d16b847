import { describe, expect, it } from 'vitest';
import type { InputRecord } from '#lib/engine/input-record';
import type { EnginePorts } from '#lib/engine/ports';
import { processBatch } from '#lib/engine/process-batch';
import { calmStore } from '../helpers/engine-model/calm-store.ts';
import { schedulePipeline, T0 } from '../helpers/engine-model/scenario.ts';

const pipeline = schedulePipeline();
const SECOND = 1000;
const encoder = new TextEncoder();

function rec(shardId: string, seq: number, ts: number): InputRecord {
  return {
    shardId,
    sequenceNumber: BigInt(seq),
    partitionKey: 'k',
    data: encoder.encode(JSON.stringify({ k: 'k', ts, v: 1 })),
    arrivedAt: ts,
  };
}

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
