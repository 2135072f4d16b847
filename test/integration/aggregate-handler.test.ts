import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avg, count, max, min, sum } from '#lib/aggregates/basic';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { session, sliding, tumbling } from '#lib/windows/index';
import { allRows } from '../helpers/integration-config.ts';
import { jsonRecord, sequenceNumber } from '../helpers/kinesis-events.ts';
import { pipelineHarness } from '../helpers/pipeline-harness.ts';
import { utcDaysAgo } from '../helpers/recent-day.ts';

const T0 = utcDaysAgo(4);
const pipeline = definePipeline({
  name: 'it_basic',
  source: { stream: 'clicks' },
  key: 'user',
  time: 'ts',
  windows: [tumbling('1m'), sliding('2m', '1m'), session('30s')],
  aggregates: { n: count(), total: sum('ms'), lo: min('ms'), hi: max('ms'), mean: avg('ms') },
  lateness: { outOfOrder: '5s', allowed: '10s' },
  maxEventBytes: 512,
  // Late events keep their raw bytes as dead letters do: cut, hashed, and for deadLetters.keep.
  deadLetters: { keep: '3d', maxRawBytes: 20 },
});

let harness: Awaited<ReturnType<typeof pipelineHarness>>;
let position = 0;
const shard = 'shardId-000000000000';
const record = (payload: unknown) => jsonRecord(shard, sequenceNumber(0, position++), payload);

async function windowRow(key: string, window: string, start: number) {
  const result = await harness.session.execute(
    `SELECT * FROM ${harness.session.table(pipeline.tables.windows)} WHERE key = ? AND window = ? AND window_start = ? ALLOW FILTERING`,
    [key, window, new Date(start)],
  );
  return result.first();
}

beforeAll(async () => {
  harness = await pipelineHarness(pipeline);
});
afterAll(() => harness.close());

describe('the aggregation handler on a real Cassandra', () => {
  const first = [
    record({ user: 'a', ts: T0 + 1000, ms: 10 }),
    record({ user: 'a', ts: new Date(T0 + 20_000).toISOString(), ms: 30 }),
    record({ user: 'a', ts: T0 + 65_000, ms: 5 }),
    record({ user: 'b', ts: T0 + 2000, ms: 7 }),
  ];

  it('folds a batch into typed window rows, and a redelivered batch changes nothing', async () => {
    // Act
    const response = await harness.invoke(first);
    const again = await harness.invoke(first);
    const row = await windowRow('a', 'tumbling_1m', T0);

    // Assess
    expect(harness.batches[0]?.rowErrors).toBeUndefined();
    expect(response.batchItemFailures).toEqual([]);
    expect(again.batchItemFailures).toEqual([]);
    expect(row?.get('n')).toBe(2n);
    expect(row?.get('total')).toBe(40);
    expect(row?.get('lo')).toBe(10);
    expect(row?.get('hi')).toBe(30);
    expect(row?.get('mean')).toBe(20);
    expect(row?.get('version')).toBe(1n);
    expect(row?.get('final')).toBe(false);
    expect(harness.batches[1]?.conditionalWrites).toBe(0);
  });

  it('makes windows final once the watermark passes, and sends later events to late events', async () => {
    // Act: an event at +200 s moves the watermark to +195 s, past [T0, T0+1m) + 10 s.
    await harness.invoke([record({ user: 'c', ts: T0 + 200_000, ms: 1 })]);
    const late = record({ user: 'a', ts: T0 + 3000, ms: 1000 });
    await harness.invoke([late]);
    const row = await windowRow('a', 'tumbling_1m', T0);
    const lateRows = await allRows(
      harness.session,
      `SELECT window, key, raw, raw_bytes, raw_sha256, TTL(key) AS ttl FROM ${harness.session.table(pipeline.tables.lateEvents)} WHERE sequence_number = ? ALLOW FILTERING`,
      [late.sequenceNumber],
    );
    const sessionRow = await windowRow('a', 'session_30s', T0 + 1000);
    const slidingRow = await windowRow('a', 'sliding_2m_1m', T0 - 60_000);

    // Assess
    expect(row?.get('final')).toBe(true);
    expect(row?.get('n')).toBe(2n);
    // One late record per window the event missed: the tumbling one, both sliding windows
    // holding it, and its session (a session has no fixed start until it closes).
    const at = (t: number) => new Date(T0 + t).toISOString();
    expect(lateRows.map((r) => r.get('window')).sort()).toEqual([
      'session_30s',
      `sliding_2m_1m@${at(-60_000)}`,
      `sliding_2m_1m@${at(0)}`,
      `tumbling_1m@${at(0)}`,
    ]);
    const data = Buffer.from(late.data);
    for (const r of lateRows) {
      expect(Buffer.from(r.get('raw')).equals(data.subarray(0, 20))).toBe(true);
      expect(r.get('raw_bytes')).toBe(data.byteLength);
      expect(r.get('raw_sha256')).toBe(createHash('sha256').update(data).digest('hex'));
      expect(r.get('ttl')).toBeGreaterThan(3 * 86_400 - 600);
      expect(r.get('ttl')).toBeLessThanOrEqual(3 * 86_400);
    }
    expect(sessionRow?.get('final')).toBe(true);
    expect(sessionRow?.get('n')).toBe(2n);
    expect(sessionRow?.get('window_end')).toEqual(new Date(T0 + 50_000));
    expect(slidingRow?.get('n')).toBe(2n);
  });
});
