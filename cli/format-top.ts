import type { DashboardSnapshot } from '#lib/dashboard/snapshot';
import type { MetricView } from '#lib/emulator/metrics/metrics-board';
import { printableCell } from './printable.ts';

const minute = (metrics: Record<string, MetricView>, name: string) =>
  metrics[name]?.lastMinute.sum ?? 0;

/** The mean per second over the last `seconds` seconds of a metric. */
const rate = (metrics: Record<string, MetricView>, name: string, seconds: number) =>
  (metrics[name]?.perSecond.slice(-seconds).reduce((a, b) => a + b, 0) ?? 0) / seconds;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(header), ...rows.map(line)];
}

/** `cassflow top`: the run's pipelines and sync jobs, one line each, as the dashboard shows them. */
export function topLines(snapshot: DashboardSnapshot): string[] {
  const pipelines = snapshot.pipelines.map((p) => {
    const lag = p.metrics.WatermarkLag;
    return [
      printableCell(p.name),
      String(p.records),
      rate(p.metrics, 'RecordsIn', 10).toFixed(1),
      String(p.invocations),
      String(p.retries),
      String(p.splits),
      String(p.deadLettered),
      String(p.late),
      String(p.filtered),
      String(minute(p.metrics, 'CasRetries')),
      lag?.lastMinute.count ? `${(lag.lastMinute.max / 1000).toFixed(1)} s` : '-',
    ];
  });
  const lines = [
    `cassflow run, ${snapshot.at}`,
    ...table(
      [
        'pipeline',
        'records',
        'rec/s 10s',
        'invocations',
        'retries',
        'splits',
        'dead',
        'late',
        'filtered',
        'cas retries/min',
        'wm lag',
      ],
      pipelines,
    ),
  ];
  if (snapshot.jobs.length > 0) {
    lines.push(
      '',
      ...table(
        ['sync job', 'read/min', 'written/min', 'rejected/min', 'pages/min'],
        snapshot.jobs.map((j) => [
          printableCell(j.name),
          String(minute(j.metrics, 'RowsRead')),
          String(minute(j.metrics, 'RowsWritten')),
          String(minute(j.metrics, 'RowsRejected')),
          String(minute(j.metrics, 'Pages')),
        ]),
      ),
    );
  }
  return lines;
}
