import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from '#lib/aggregates/basic';
import type { EnginePorts } from '#lib/engine/ports';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { readWindows } from '#lib/query/read-windows';
import type { ShardWatermark } from '#lib/store/watermark';
import { sliding } from '#lib/windows/index';
import { allRows } from '../helpers/integration-config.ts';
import { jsonRecord, sequenceNumber } from '../helpers/kinesis-events.ts';
import { pipelineHarness } from '../helpers/pipeline-harness.ts';
import { utcDaysAgo } from '../helpers/recent-day.ts';

const T0 = utcDaysAgo(7);
const pipeline = definePipeline({
  name: 'it_sliding_race',
  source: { stream: 'clicks' },
  key: 'user',
  time: 'ts',
  windows: [sliding('2m', '1m')],
  aggregates: { n: count() },
});

// The next batch plans on these shard watermarks, as a slow reader would; later reads are true.
let staleOnce: ShardWatermark[] | undefined;
let real: EnginePorts['watermarks'] | undefined;
function staleWatermarks(ports: EnginePorts): EnginePorts {
  real = ports.watermarks;
  const readShards = async () => {
    const shards = staleOnce ?? (await ports.watermarks.readShards());
    staleOnce = undefined;
    return shards;
  };
  const w = ports.watermarks;
  const watermarks: EnginePorts['watermarks'] = {
    readShards,
    advanceShard: (next, previous) => w.advanceShard(next, previous),
    registerShard: (id, now) => w.registerShard(id, now),
    setShardState: (previous, state, lastSeen) => w.setShardState(previous, state, lastSeen),
    claimShard: (previous, claim) => w.claimShard(previous, claim),
    removeShard: (id) => w.removeShard(id),
    readCursor: () => w.readCursor(),
    moveCursor: (next, previous) => w.moveCursor(next, previous),
    bumpCursor: (previous) => w.bumpCursor(previous),
  };
  return { ...ports, watermarks };
}

let harness: Awaited<ReturnType<typeof pipelineHarness>>;
const on = (shard: number, position: number, ts: number) =>
  jsonRecord(`shardId-00000000000${shard}`, sequenceNumber(shard, position), { user: 'u', ts });

beforeAll(async () => {
  harness = await pipelineHarness(pipeline, {
    now: () => T0 + 600_000,
    wrapPorts: staleWatermarks,
  });
});
afterAll(() => harness.close());

describe('a sliding window closed while a slow batch still plans on old watermarks', () => {
  it('records the slow event as late for each window the closer claimed, and counts it in none', async () => {
    // Arrange: one event in pane [T0, T0+1m); a snapshot of the watermarks that far.
    await harness.invoke([on(0, 0, T0 + 30_000)]);
    const before = await (real as EnginePorts['watermarks']).readShards();

    // Act: shard 0 moves the watermark past [T0, T0+2m), the last window of that pane, which
    // closes; then a batch of shard 1 planned on the old watermarks writes into the pane.
    await harness.invoke([on(0, 1, T0 + 200_000)]);
    staleOnce = before;
    const slow = on(1, 0, T0 + 40_000);
    const response = await harness.invoke([slow]);
    const late = await allRows(
      harness.session,
      `SELECT window FROM ${harness.session.table(pipeline.tables.lateEvents)} WHERE sequence_number = ? ALLOW FILTERING`,
      [slow.sequenceNumber],
    );
    const windows = await readWindows(harness.session, pipeline, {
      key: 'u',
      from: T0 - 60_000,
      to: T0 + 60_000,
    });

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    // Both windows holding the event were claimed when the batch read the cursor.
    expect(late.map((r) => r.get('window')).sort()).toEqual([
      `sliding_2m_1m@${new Date(T0 - 60_000).toISOString()}`,
      `sliding_2m_1m@${new Date(T0).toISOString()}`,
    ]);
    expect(windows.map((w) => [w.start - T0, w.final, w.values.n])).toEqual([
      [-60_000, true, 1n],
      [0, true, 1n],
    ]);
  });
});
