import type { WindowResult } from '#lib/query/window-result';

function hhmm(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

function rounded(value: unknown, digits: number): string {
  if (typeof value === 'bigint') return String(value);
  return typeof value === 'number' ? value.toFixed(digits) : '-';
}

/**
 * The latest final window of `window` for every key, as a small table sorted by views:
 * page, views, distinct users, mean and p95 latency.
 */
export function latestFinalTable(results: readonly WindowResult[], window: string): string[] {
  const final = results.filter((r) => r.window === window && r.final);
  const latest = Math.max(...final.map((r) => r.start));
  const rows = final
    .filter((r) => r.start === latest)
    .sort((a, b) => Number(b.events - a.events) || a.key.localeCompare(b.key));
  const first = rows[0];
  if (!first) return [`${window}: no final window yet`];
  const header = ['page', 'views', 'users', 'mean ms', 'p95 ms'];
  const cells = rows.map((r) => [
    r.key,
    String(r.events),
    rounded(r.values.users, 0),
    rounded(r.values.mean_ms, 1),
    rounded(r.values.p95_ms, 1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) =>
    c.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ');
  return [
    `${window}, ${hhmm(first.start)}–${hhmm(first.end)} UTC (final):`,
    `  ${line(header)}`,
    ...cells.map((c) => `  ${line(c)}`),
  ];
}
