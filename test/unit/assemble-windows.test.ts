import { describe, expect, it } from 'vitest';
import { count, sum } from '#lib/aggregates/index';
import { addToRow, encodeRow, initRow } from '#lib/engine/row-accumulator';
import { encodeSessionState } from '#lib/engine/session-state';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { assembleWindows } from '#lib/query/assemble-windows';
import { planPartitionReads } from '#lib/query/plan-partitions';
import type { StoredWindowRow } from '#lib/store/window-rows';
import { session, sliding, tumbling } from '#lib/windows/index';

const M = 60_000;
const pipeline = definePipeline({
  name: 'assemble',
  source: { stream: 's' },
  key: 'k',
  time: 't',
  windows: [tumbling('1m'), sliding('3m', '1m'), session('30s')],
  aggregates: { n: count(), total: sum('v') },
});
const { aggregates } = pipeline;

function accOf(values: number[]) {
  const acc = initRow(aggregates);
  for (const v of values) addToRow(aggregates, acc, [undefined, v]);
  return acc;
}

function row(
  window: string,
  start: number,
  end: number,
  values: number[],
  final = false,
): StoredWindowRow {
  return {
    key: 'k1',
    window,
    bucket: 0,
    start,
    end,
    final,
    events: BigInt(values.length),
    results: [BigInt(values.length), values.reduce((a, b) => a + b, 0)],
    acc: encodeRow(aggregates, accOf(values)),
    version: 1n,
    fences: new Map(),
  };
}

const brief = (w: {
  window: string;
  start: number;
  final: boolean;
  values: Record<string, unknown>;
}) => [w.window, w.start / M, w.final, w.values.n, w.values.total];

describe('assembleWindows', () => {
  it('assembles open sliding windows from panes, keeps final rows, skips empty sealed panes', () => {
    // Arrange: panes at minutes 0, 1 (sealed empty at -1), window [-2m, 1m) already final.
    const rows = [
      row('sliding_3m_1m#panes', -M, 0, [], true),
      row('sliding_3m_1m#panes', 0, M, [1, 2]),
      row('sliding_3m_1m#panes', M, 2 * M, [4]),
      row('sliding_3m_1m', -2 * M, M, [1, 2], true),
    ];

    // Act
    const windows = assembleWindows(pipeline, 'k1', rows);

    // Assess
    expect(windows.map(brief)).toEqual([
      ['sliding_3m_1m', -2, true, 2n, 3],
      ['sliding_3m_1m', -1, false, 3n, 7],
      ['sliding_3m_1m', 0, false, 3n, 7],
      ['sliding_3m_1m', 1, false, 1n, 4],
    ]);
  });

  it('shows open and closing sessions from the state row, preferring a final row', () => {
    // Arrange
    const state = {
      open: [{ start: 100_000, end: 140_000, value: { acc: accOf([5]), events: 1n } }],
      closing: [{ start: 0, end: 40_000, value: { acc: accOf([1, 1]), events: 2n } }],
    };
    const open = {
      ...row('session_30s#open', 0, 0, []),
      acc: encodeSessionState(aggregates, state),
    };
    const closed = row('session_30s', 0, 40_000, [1, 1], true);

    // Act
    const windows = assembleWindows(pipeline, 'k1', [open, closed]);

    // Assess
    expect(windows.map((w) => [w.start, w.end, w.final, w.values.total])).toEqual([
      [0, 40_000, true, 2],
      [100_000, 140_000, false, 5],
    ]);
  });

  it('filters by window and by start in [from, to)', () => {
    // Arrange
    const rows = [0, 1, 2, 3].map((m) => row('tumbling_1m', m * M, (m + 1) * M, [m]));

    // Act
    const windows = assembleWindows(pipeline, 'k1', rows, {
      window: 'tumbling_1m',
      from: M,
      to: 3 * M,
    });

    // Assess
    expect(windows.map((w) => w.start / M)).toEqual([1, 2]);
  });
});

describe('planPartitionReads', () => {
  it('reads window rows, the panes under sliding windows, and the session state', () => {
    // Act
    const plan = planPartitionReads(pipeline.windows, 0, 2 * M) ?? [];

    // Assess
    expect(plan.map((p) => p.window)).toEqual([
      'tumbling_1m',
      'sliding_3m_1m',
      'sliding_3m_1m#panes',
      'session_30s',
      'session_30s#open',
    ]);
    expect(plan.find((p) => p.window === 'sliding_3m_1m#panes')).toMatchObject({
      from: 0,
      to: 5 * M,
    });
  });

  it('gives up beyond 2,000 partitions, so the caller scans instead', () => {
    expect(planPartitionReads(pipeline.windows, 0, 3000 * 1000 * M)).toBeUndefined();
  });
});
