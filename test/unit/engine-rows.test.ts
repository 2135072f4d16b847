import { describe, expect, it } from 'vitest';
import { count } from '#lib/aggregates/basic';
import { mapWithPreparedChunks } from '#lib/engine/concurrency';
import type { DecodedEvent } from '#lib/engine/decode-event';
import { planBatch } from '#lib/engine/plan-batch';
import { openedWindows, rowGroups } from '#lib/engine/row-groups';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { type ShardWatermark, shardsSeenUpTo } from '#lib/store/watermark';
import { session, sliding, tumbling } from '#lib/windows/index';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 5, 1);

const pipeline = definePipeline({
  name: 'unit_rows',
  source: { stream: 's' },
  key: 'user',
  time: 'ts',
  windows: [tumbling('1m'), sliding('2m', '1m'), session('30s')],
  aggregates: { n: count() },
  lateness: { outOfOrder: '1s', allowed: '5s' },
});

function event(key: string, time: number, position: number, shardId = 'shard-0'): DecodedEvent {
  return {
    key,
    time,
    inputs: [undefined],
    record: {
      shardId,
      sequenceNumber: BigInt(position),
      partitionKey: key,
      data: new Uint8Array(),
      arrivedAt: time,
    },
    cut: Number.NEGATIVE_INFINITY,
  };
}

function pipelineSpec() {
  return {
    name: 'unit_rows_t',
    source: { stream: 's' },
    key: 'user',
    time: 'ts',
    windows: [tumbling('1m')],
    aggregates: { n: count() },
  };
}

describe('rowGroups and openedWindows', () => {
  const plan = planBatch(definePipeline(pipelineSpec()), [
    event('a', T0 + 1000, 1),
    event('a', T0 + MINUTE + 1000, 2),
    event('b', T0 + 2000, 3),
    event('a', T0 + 2 * MINUTE, 4),
  ]);

  it("puts one key's rows of one partition together when the store batches them", () => {
    // Act
    const grouped = rowGroups(plan.rows, true);
    const single = rowGroups(plan.rows, false);

    // Assess
    expect(grouped.map((g) => g.map((r) => `${r.ref.key}@${(r.ref.start - T0) / MINUTE}`))).toEqual(
      [['a@0', 'a@1', 'a@2'], ['b@0']],
    );
    expect(single.map((g) => g.length)).toEqual([1, 1, 1, 1]);
  });

  it('keeps each session row on its own', () => {
    // Prepare
    const sessions = planBatch(pipeline, [event('a', T0, 1), event('b', T0, 2)]);

    // Act
    const groups = rowGroups(sessions.rows, true);

    // Assess
    const kinds = groups.map((g) => g.map((r) => r.ref.kind).join('+'));
    expect(kinds.filter((k) => k.includes('sessions'))).toEqual(['sessions', 'sessions']);
  });

  it('indexes every window a row opens, by its close time', () => {
    // Act
    const opened = openedWindows(definePipeline(pipelineSpec()), plan.rows);

    // Assess
    expect(opened.map((w) => [w.key, w.closeAt - T0])).toEqual([
      ['a', MINUTE],
      ['a', 2 * MINUTE],
      ['b', MINUTE],
      ['a', 3 * MINUTE],
    ]);
  });
});

describe('shardsSeenUpTo', () => {
  it("is the newest event time of the batch's own shards only", () => {
    // Prepare
    const shards: ShardWatermark[] = [
      { shardId: 's0', watermark: 0, maxEventTime: 100, lastSeen: 0, state: 'active', version: 1n },
      { shardId: 's1', watermark: 0, maxEventTime: 900, lastSeen: 0, state: 'active', version: 1n },
    ];

    // Assess
    expect(shardsSeenUpTo(shards, [{ shardId: 's0' }])).toBe(100);
    expect(shardsSeenUpTo(shards, [{ shardId: 's0' }, { shardId: 's1' }])).toBe(900);
    expect(shardsSeenUpTo(shards, [{ shardId: 's9' }])).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('mapWithPreparedChunks', () => {
  it('prepares each chunk before any of its items runs, and the next one ahead', async () => {
    // Prepare
    const log: string[] = [];
    const items = Array.from({ length: 7 }, (_, i) => i);

    // Act
    const results = await mapWithPreparedChunks(
      items,
      2,
      3,
      async (chunk) => {
        log.push(`prepare ${chunk.join(',')}`);
      },
      async (item) => {
        log.push(`run ${item}`);
        return item * 10;
      },
    );

    // Assess
    expect(results).toEqual([0, 10, 20, 30, 40, 50, 60]);
    for (const item of items) {
      const chunk = Math.floor(item / 3);
      const prepared = log.findIndex((l) => l.startsWith('prepare') && l.includes(String(item)));
      expect(prepared).toBeGreaterThanOrEqual(0);
      expect(prepared).toBeLessThan(log.indexOf(`run ${item}`));
      expect(log.filter((l) => l.startsWith('prepare'))[chunk]).toContain(String(item));
    }
    expect(log.filter((l) => l.startsWith('prepare'))).toHaveLength(3);
  });

  it('runs no item of a chunk whose preparation failed, and rejects', async () => {
    // Prepare
    const ran: number[] = [];

    // Act
    const run = mapWithPreparedChunks(
      [0, 1, 2, 3],
      1,
      2,
      async (chunk) => {
        if (chunk.includes(2)) throw new Error('index write failed');
      },
      async (item) => {
        ran.push(item);
      },
    );

    // Assess
    await expect(run).rejects.toThrow('index write failed');
    expect(ran).toEqual([0, 1]);
  });
});
