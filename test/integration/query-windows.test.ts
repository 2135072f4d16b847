import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readWindows } from '#lib/query/read-windows';
import type { WindowResult } from '#lib/query/window-result';
import { addToSessions, slidingWindowsOf, tumblingWindowOf } from '#lib/windows/index';
import { main } from '../../cli/main.ts';
import pipeline from '../fixtures/query-pipeline.ts';
import { jsonRecord, sequenceNumber } from '../helpers/kinesis-events.ts';
import { pipelineHarness } from '../helpers/pipeline-harness.ts';
import { utcDaysAgo } from '../helpers/recent-day.ts';

const T0 = utcDaysAgo(6);
// In event-time order on the shard: the pipeline allows no disorder, and none is late.
const events = [
  { user: 'a', ts: T0 + 5_000, v: 1 },
  { user: 'b', ts: T0 + 10_000, v: 10 },
  { user: 'a', ts: T0 + 20_000, v: 2 },
  { user: 'a', ts: T0 + 70_000, v: 4 },
  { user: 'b', ts: T0 + 125_000, v: 20 },
  { user: 'a', ts: T0 + 130_000, v: 8 },
];

type Expected = Pick<WindowResult, 'key' | 'window' | 'start' | 'end'> & {
  n: bigint;
  total: number;
};

/** The windows of `events` computed in memory, one by one, from the window definitions. */
function expectedWindows(): Expected[] {
  const out = new Map<string, Expected>();
  const add = (key: string, window: string, start: number, end: number, v: number) => {
    const id = `${key} ${window} ${start}`;
    const w = out.get(id) ?? { key, window, start, end, n: 0n, total: 0 };
    out.set(id, { ...w, n: w.n + 1n, total: w.total + v });
  };
  for (const e of events) {
    const t = tumblingWindowOf(e.ts, 60_000);
    add(e.user, 'tumbling_1m', t.start, t.end, e.v);
    for (const s of slidingWindowsOf(e.ts, { size: 180_000, slide: 60_000 })) {
      add(e.user, 'sliding_3m_1m', s.start, s.end, e.v);
    }
  }
  for (const user of ['a', 'b']) {
    let sessions: { start: number; end: number; value: { n: bigint; total: number } }[] = [];
    for (const e of events.filter((x) => x.user === user)) {
      sessions = addToSessions(sessions, e.ts, 30_000, { n: 1n, total: e.v }, (x, y) => ({
        n: x.n + y.n,
        total: x.total + y.total,
      }));
    }
    for (const s of sessions) {
      out.set(`${user} s ${s.start}`, {
        key: user,
        window: 'session_30s',
        start: s.start,
        end: s.end,
        ...s.value,
      });
    }
  }
  return [...out.values()];
}

function shape(results: readonly WindowResult[]) {
  return results
    .map((r) => ({
      key: r.key,
      window: r.window,
      start: r.start,
      end: r.end,
      n: r.values.n,
      total: r.values.total,
    }))
    .sort((x, y) => `${x.key}${x.window}${x.start}`.localeCompare(`${y.key}${y.window}${y.start}`));
}

let harness: Awaited<ReturnType<typeof pipelineHarness>>;

beforeAll(async () => {
  harness = await pipelineHarness(pipeline, { now: () => T0 + 140_000 });
  const records = events.map((e, i) => jsonRecord('shardId-000000000000', sequenceNumber(0, i), e));
  const response = await harness.invoke(records);
  expect(response.batchItemFailures).toEqual([]);
});
afterAll(() => harness.close());

describe('reading windows back', () => {
  it('gives every window of every key, final and open, with exact values', async () => {
    // Act
    const results = await readWindows(harness.session, pipeline);

    // Assess
    expect(shape(results)).toEqual(
      shape(expectedWindows().map((e) => ({ ...e, final: false, events: e.n, values: e }))),
    );
    const final = (window: string, start: number) =>
      results.find((r) => r.key === 'a' && r.window === window && r.start === start)?.final;
    // The watermark is at +130 s: windows ending by then are final, later ones still open.
    expect(final('tumbling_1m', T0)).toBe(true);
    expect(final('tumbling_1m', T0 + 120_000)).toBe(false);
    expect(final('sliding_3m_1m', T0 - 60_000)).toBe(true);
    expect(final('sliding_3m_1m', T0)).toBe(false);
    expect(final('session_30s', T0 + 5_000)).toBe(true);
    expect(final('session_30s', T0 + 130_000)).toBe(false);
  });

  it('reads the same windows of one key from its partitions as from a scan', async () => {
    // Act
    const range = { key: 'a', from: T0 - 60_000, to: T0 + 120_000 };
    const direct = await readWindows(harness.session, pipeline, range);
    const scanned = await readWindows(harness.session, pipeline, { key: 'a' });

    // Assess
    const inRange = scanned.filter((r) => r.start >= range.from && r.start < range.to);
    expect(direct.length).toBeGreaterThan(5);
    expect(direct).toEqual(inRange);
  });

  it('prints one window per line with `cassflow query`, and JSON with --json', async () => {
    // Arrange
    const saved = process.env.CASSANDRA_KEYSPACE;
    process.env.CASSANDRA_KEYSPACE = inject('keyspace');
    const info: string[] = [];
    const out = { info: (l: string) => info.push(l), error: () => {} };
    const args = ['query', '--pipeline', 'test/fixtures/query-pipeline.ts', '--key', 'b'];

    // Act
    const text = await main([...args, '--window', 'tumbling_1m'], out);
    const lines = info.splice(0);
    const json = await main([...args, '--json'], out);
    process.env.CASSANDRA_KEYSPACE = saved;

    // Assess
    expect(text).toBe(0);
    expect(lines[0]?.split(/\s+/)).toEqual([
      'key',
      'window',
      'start',
      'end',
      'final',
      'events',
      'n',
      'total',
    ]);
    expect(lines.slice(1).map((l) => l.split(/\s+/))).toEqual([
      [
        'b',
        'tumbling_1m',
        new Date(T0).toISOString(),
        new Date(T0 + 60_000).toISOString(),
        'yes',
        '1',
        '1',
        '10',
      ],
      [
        'b',
        'tumbling_1m',
        new Date(T0 + 120_000).toISOString(),
        new Date(T0 + 180_000).toISOString(),
        'no',
        '1',
        '1',
        '20',
      ],
    ]);
    expect(json).toBe(0);
    const parsed = info.map((l) => JSON.parse(l));
    expect(parsed).toHaveLength(expectedWindows().filter((e) => e.key === 'b').length);
    expect(parsed[0]).toMatchObject({
      key: 'b',
      window: 'session_30s',
      values: { n: 1, total: 10 },
    });
  });
});
