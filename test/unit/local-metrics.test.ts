import { MetricUnit } from '@aws-lambda-powertools/metrics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dashboardSnapshot } from '#lib/dashboard/snapshot';
import { CapturingMetrics } from '#lib/emulator/metrics/capturing-metrics';
import { type EmfLine, emfPoints } from '#lib/emulator/metrics/emf-points';
import { MetricsBoard } from '#lib/emulator/metrics/metrics-board';
import { RollingSeries } from '#lib/emulator/metrics/rolling-series';
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
    metrics.addMetric('CasRetries', MetricUnit.Count, 3);
    metrics.publishStoredMetrics();
    const job = capture('views-to-s3');
    job.metrics.addMetric('RowsRead', MetricUnit.Count, 500);
    job.metrics.publishStoredMetrics();
    for (const line of [...lines, ...job.lines]) board.record(line);
    const now = (lines[0] as EmfLine)._aws.Timestamp;
    const stats = { records: 40, invocations: 1, retries: 0, bisections: 0, discarded: 0 };
    const running = {
      pipeline: { name: 'views', kind: 'aggregation' },
      stream: 'views',
      source: { stats },
      figures: { records: 40, deadLettered: 2, filtered: 1, late: 0 },
    } as unknown as Parameters<typeof dashboardSnapshot>[0][0];
    const snapshot = dashboardSnapshot([running], board, now);
    expect(snapshot.pipelines[0]).toMatchObject({ name: 'views', records: 40, deadLettered: 2 });
    expect(snapshot.pipelines[0]?.metrics.CasRetries?.lastMinute.sum).toBe(3);
    expect(snapshot.jobs.map((j) => [j.name, j.metrics.RowsRead?.lastMinute.sum])).toEqual([
      ['views-to-s3', 500],
    ]);
    const shown = topLines(snapshot);
    expect(shown[1]).toMatch(/^pipeline\s+records\s+rec\/s 10s/);
    expect(shown[2]).toMatch(/^views\s+40\s+4\.0\s+1\s+0\s+0\s+2\s+0\s+1\s+3\s+-$/);
    expect(shown.at(-1)).toMatch(/^views-to-s3\s+500\s+0\s+0\s+0$/);
  });
});
