import type { DashboardSnapshot, JobSnapshot, PipelineSnapshot } from '#lib/dashboard/snapshot';
import { printableCell } from './printable.ts';

const count = (n: number | null | undefined) =>
  n === null || n === undefined ? '-' : Math.round(n).toLocaleString('en-US');
const rate = (n: number) => (n >= 100 ? count(n) : n.toFixed(1));
const ms = (n: number | null | undefined) => {
  if (n === null || n === undefined) return '-';
  if (Math.abs(n) < 1000) return `${Math.round(n)} ms`;
  if (Math.abs(n) < 120_000) return `${(n / 1000).toFixed(1)} s`;
  return `${(n / 60_000).toFixed(1)} min`;
};
const time = (t: number | null | undefined) =>
  t === null || t === undefined ? '-' : new Date(t).toISOString().slice(11, 19);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(header), ...rows.map(line)];
}

const storeOf = <T extends object>(store: T | { error: string } | null) =>
  store && !('error' in store) ? store : undefined;

function pipelineRow(p: PipelineSnapshot): string[] {
  const r = p.rates;
  const f = p.figures;
  const store = storeOf(p.store);
  const due = store?.dueNotFinal;
  return [
    printableCell(p.name),
    f ? rate(r.readPerSecond) : '-',
    rate(r.processedPerSecond),
    count(f?.records),
    f ? r.batchSize.mean.toFixed(1) : '-',
    f ? ms(r.durationMs.mean) : '-',
    f ? count(r.errorsPerMinute) : '-',
    f ? `${f.retries}/${f.splits}` : '-',
    f ? count(r.deadLettersPerMinute) : '-',
    f ? count(r.latePerMinute) : '-',
    f ? `${count(r.casRetriesPerMinute)} (${(r.casRetryShare * 100).toFixed(1)}%)` : '-',
    f ? ms(r.watermarkLagMs) : '-',
    time(store?.watermark),
    time(store?.closer?.done),
    due ? `${count(due.count)}${due.more ? '+' : ''}` : '-',
  ];
}

function shardLines(p: PipelineSnapshot, nowMs: number): string[] {
  const watermark = storeOf(p.store)?.watermark;
  return table(
    [
      `${printableCell(p.name)} shard`,
      'iter age',
      'read/s',
      'batches/min',
      'processed',
      'checkpointed',
      'moved',
      'watermark',
      'ahead',
      'state',
    ],
    p.shards.map((s) => {
      const w = s.watermark?.at;
      const cp = s.checkpoint;
      return [
        printableCell(s.shardId),
        ms(s.live?.behindMs),
        s.live ? rate(s.live.readPerSecond) : '-',
        count(s.live?.invocationsPerMinute),
        count(s.live?.records),
        count(cp?.records),
        cp ? (cp.ended ? 'ended' : cp.at === null ? '-' : `${ms(nowMs - cp.at)} ago`) : '-',
        time(w),
        w !== undefined && w !== null && watermark !== undefined && watermark !== null
          ? ms(w - watermark)
          : '-',
        s.watermark?.state ?? '-',
      ];
    }),
  );
}

function jobRow(j: JobSnapshot, nowMs: number): string[] {
  const s = storeOf(j.store);
  return [
    printableCell(j.name),
    j.rates.lastRunAt === null ? '-' : `${ms(nowMs - j.rates.lastRunAt)} ago`,
    count(j.rates.rowsReadPerMinute),
    count(j.rates.rowsWrittenPerMinute),
    count(j.rates.pagesPerMinute),
    s ? `${s.ranges.done}/${s.ranges.total}` : '-',
    count(s?.ranges.rows),
    count(s?.ranges.pages),
    s ? `${count(s.rejects.lastHour)}${s.rejects.more ? '+' : ''}` : '-',
  ];
}

/** `cassflow top`: the figures the dashboard shows, as tables. */
export function topLines(snapshot: DashboardSnapshot): string[] {
  const now = Date.parse(snapshot.at);
  const lines = [
    `cassflow ${snapshot.source === 'run' ? 'run' : 'stack (store only)'}, ${snapshot.at}`,
    ...table(
      [
        'pipeline',
        'in/s',
        'done/s',
        'processed',
        'batch',
        'duration',
        'errors/min',
        'retry/split',
        'dead/min',
        'late/min',
        'cas retries/min',
        'wm lag',
        'watermark',
        'due',
      ],
      snapshot.pipelines.map(pipelineRow),
    ),
  ];
  for (const p of snapshot.pipelines) {
    lines.push('', ...shardLines(p, now));
    const dead = storeOf(p.store)?.deadLetters;
    for (const d of dead?.recent.slice(0, 5) ?? []) {
      lines.push(
        `  dead letter ${d.shardId}/${d.sequenceNumber} ${printableCell(d.field)}: ${printableCell(d.reason)}`,
      );
    }
  }
  if (snapshot.jobs.length > 0) {
    lines.push(
      '',
      ...table(
        [
          'sync job',
          'last run',
          'read/min',
          'written/min',
          'pages/min',
          'ranges',
          'rows',
          'rejects 1h',
        ],
        snapshot.jobs.map((j) => jobRow(j, now)),
      ),
    );
  }
  return lines;
}
