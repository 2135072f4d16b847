import { MetricUnit } from '@aws-lambda-powertools/metrics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckpointRates } from '#lib/dashboard/checkpoint-rates';
import { dashboardSnapshot } from '#lib/dashboard/snapshot';
import { CapturingMetrics } from '#lib/emulator/metrics/capturing-metrics';
import { type EmfLine, emfPoints } from '#lib/emulator/metrics/emf-points';
import { recordInvocation } from '#lib/emulator/metrics/lambda-metrics';
import { MetricsBoard } from '#lib/emulator/metrics/metrics-board';
import { RollingSeries } from '#lib/emulator/metrics/rolling-series';
import type { RunningPipeline } from '#lib/emulator/runtime/runtime';
import { topLines } from '../../cli/format-top.ts';

function capture(service: string) {
  const lines: EmfLine[] = [];
  const metrics = new CapturingMetrics({ namespace: 'cassflow', serviceName: service }, (l) =>
    lines.push(l),
  );
  return { metrics, lines };
}

describe('local metrics', () => {
  it('captures the EMF line Powertools would print, and prints nothing', () => {
    const { metrics, lines } = capture('views');
    const printed: unknown[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => printed.push(args);
    try {
      metrics.addMetric('RecordsIn', MetricUnit.Count, 100);
      metrics.addMetric('RecordsIn', MetricUnit.Count, 5);
      metrics.addMetric('WatermarkLag', MetricUnit.Milliseconds, 1500);
      metrics.publishStoredMetrics();
      metrics.publishStoredMetrics(); // nothing stored: nothing captured
    } finally {
      console.log = log;
    }
    expect(printed).toEqual([]);
    expect(lines).toHaveLength(1);
    const points = emfPoints(lines[0] as EmfLine);
    expect(points.map((p) => [p.name, p.unit, p.value, p.dimensions.service])).toEqual([
      ['RecordsIn', 'Count', 100, 'views'],
      ['RecordsIn', 'Count', 5, 'views'],
      ['WatermarkLag', 'Milliseconds', 1500, 'views'],
    ]);
  });

  it('keeps each second of the window, whatever order the values come in', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(120_000), value: fc.nat(1000) }), { maxLength: 200 }),
        (values) => {
          const series = new RollingSeries(60);
          const now = 120_000;
          for (const v of values) series.add(v.at, v.value);
          const inWindow = values.filter((v) => Math.floor(v.at / 1000) > 120 - 60);
          const total = series.total(now, 60);
          // Values older than the window may be kept or dropped only outside it.
          expect(total.sum).toBe(inWindow.reduce((n, v) => n + v.value, 0));
          expect(total.count).toBe(inWindow.length);
          expect(series.window(now, 60)).toHaveLength(60);
        },
      ),
    );
  });

  it('shows a run as the dashboard and cassflow top do', () => {
    const board = new MetricsBoard();
    const { metrics, lines } = capture('views');
    metrics.addMetric('RecordsIn', MetricUnit.Count, 40);
    metrics.addMetric('RowsWritten', MetricUnit.Count, 9);
    metrics.addMetric('CasRetries', MetricUnit.Count, 3);
    metrics.publishStoredMetrics();
    const job = capture('views-to-s3');
    job.metrics.addMetric('RowsRead', MetricUnit.Count, 500);
    job.metrics.addMetric('Pages', MetricUnit.Count, 2);
    job.metrics.publishStoredMetrics();
    // One moment for every line (they were stamped a millisecond or so apart).
    const now = (lines[0] as EmfLine)._aws.Timestamp;
    for (const line of [...lines, ...job.lines])
      board.record({ ...line, _aws: { ...line._aws, Timestamp: now } });
    // What the emulator itself measures: one invocation of 40 records, 250 ms, 1.5 s behind.
    const invocation = {
      shardId: 's-0',
      records: 40,
      durationMs: 250,
      failed: false,
      behindMs: 1500,
    };
    recordInvocation(board, 'views', invocation, now);
    const stats = {
      records: 40,
      invocations: 1,
      retries: 0,
      bisections: 0,
      discarded: 0,
      shards: { 's-0': { behindMs: 1500, records: 40 } },
    };
    const shardMetrics = new MetricsBoard();
    recordInvocation(shardMetrics, 's-0', invocation, now);
    const running = {
      pipeline: {
        name: 'views',
        kind: 'aggregation',
        windows: [{ name: 'tumbling_1m' }],
        sync: [],
      },
      stream: 'views',
      source: { stats },
      figures: { records: 40, deadLettered: 2, filtered: 1, late: 0 },
      shardMetrics,
    } as unknown as RunningPipeline;
    const stored = {
      shards: [
        { shardId: 's-0', checkpoint: { sequenceNumber: '9', records: 40, at: now, ended: false } },
        { shardId: 's-1', checkpoint: { sequenceNumber: '3', records: 0, at: now, ended: false } },
      ],
      watermark: now - 5000,
      deadLetters: { lastHour: 0, more: false, recent: [] },
    };
    const snapshot = dashboardSnapshot({
      pipelines: [running],
      board,
      stack: { at: now, pipelines: { views: stored }, jobs: {} },
      nowMs: now,
    });
    const shown = snapshot.pipelines[0];
    expect(shown?.figures).toMatchObject({ records: 40, deadLettered: 2, invocations: 1 });
    expect(shown?.rates).toMatchObject({
      processedPerSecond: 4,
      casRetriesPerMinute: 3,
      casRetryShare: 0.25,
      invocationsPerMinute: 1,
      batchSize: { mean: 40, max: 40 },
      durationMs: { mean: 250, max: 250 },
      iteratorAgeMs: 1500,
    });
    // A shard the store has and this process reads, joined; one only the store has, kept.
    expect(shown?.shards.map((s) => [s.shardId, s.checkpoint?.records, s.live?.records])).toEqual([
      ['s-0', 40, 40],
      ['s-1', 0, undefined],
    ]);
    expect(shown?.shards[0]?.live).toMatchObject({
      invocationsPerMinute: 1,
      durationMs: { mean: 250, max: 250 },
    });
    expect(shown?.charts.processed.at(-1)).toBe(40);
    expect(shown?.charts.durationMs.at(-1)).toBe(250);
    expect(shown?.charts.durationMs.at(-2)).toBeNull();
    expect(
      snapshot.jobs.map((j) => [j.name, j.rates.rowsReadPerMinute, j.rates.lastRunAt]),
    ).toEqual([['views-to-s3', 500, now]]);
    const top = topLines(snapshot);
    expect(top[1]).toMatch(/^pipeline\s+in\/s\s+done\/s\s+processed/);
    expect(top[2]).toMatch(
      /^views\s+0\.0\s+4\.0\s+40\s+40\.0\s+250 ms\s+0\s+0\/0\s+0\s+0\s+3 \(25\.0%\)/,
    );
    expect(top.find((l) => l.startsWith('s-0'))).toMatch(
      /^s-0\s+1\.5 s\s+0\.0\s+1\s+40\s+40\s+0 ms ago/,
    );
    expect(top.at(-1)).toMatch(/^views-to-s3\s+0 ms ago\s+500\s+0\s+2\s+-/);
  });

  it('counts records from how far the checkpoints move, for a dashboard that runs nothing', () => {
    const board = new MetricsBoard();
    const rates = new CheckpointRates(board);
    const read = (at: number, records: number[]) => ({
      at,
      pipelines: {
        views: {
          shards: records.map((n, i) => ({
            shardId: `s-${i}`,
            checkpoint: { sequenceNumber: '1', records: n, at, ended: false },
          })),
          deadLetters: { lastHour: 0, more: false, recent: [] },
        },
      },
      jobs: {},
    });
    rates.observe(read(10_000, [5, 5])); // the baseline: nothing counted
    rates.observe(read(12_000, [25, 15]));
    rates.observe(read(14_000, [1])); // a new stream: a new baseline, nothing negative
    rates.observe(read(16_000, [4]));
    // Each move spread over the seconds since the read before: 15 + 15, then 1.5 + 1.5.
    expect(board.view('views', 16_000).RecordsIn?.lastMinute).toEqual({
      count: 4,
      sum: 33,
      max: 15,
    });
  });
});
