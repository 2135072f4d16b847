import type { WindowResult } from '#lib/query/window-result';

function hhmm(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

function rounded(value: unknown, digits: number): string {
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? value.toFixed(digits) : '-';
}

/**
 * The latest final window of `window` for every key, as a small table sorted by events: the
 * key, the events, then each aggregate the pipeline declares (`aggregates`, by result column).
 */
export function latestFinalTable(
  results: readonly WindowResult[],
  window: string,
  aggregates: readonly string[],
): string[] {
  const final = results.filter((r) => r.window === window && r.final);
  const latest = Math.max(...final.map((r) => r.start));
  const rows = final
    .filter((r) => r.start === latest)
    .sort((a, b) => Number(b.events - a.events) || a.key.localeCompare(b.key));
  const first = rows[0];
  if (!first) return [`${window}: no final window yet`];
  const header = ['key', 'events', ...aggregates];
  const cells = rows.map((r) => [
    r.key,
    String(r.events),
    ...aggregates.map((name) => rounded(r.values[name], 1)),
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
