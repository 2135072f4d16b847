import type { WindowResult } from '#lib/query/window-result';
import { printableCell } from './printable.ts';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'number' && !Number.isInteger(value))
    return String(Number(value.toPrecision(12)));
  return String(value);
}

/** One line per window: key, window, start, end, final, events, then each aggregate by name. */
export function windowLines(
  results: readonly WindowResult[],
  aggregates: readonly string[],
): string[] {
  const header = ['key', 'window', 'start', 'end', 'final', 'events', ...aggregates];
  const rows = results.map((r) => [
    printableCell(r.key),
    printableCell(r.window),
    iso(r.start),
    iso(r.end),
    r.final ? 'yes' : 'no',
    String(r.events),
    ...aggregates.map((a) => printableCell(show(r.values[a]))),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  return [header, ...rows].map((cells) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/** JSON lines: bigints as numbers when exact, else as strings. */
export function windowJson(result: WindowResult): string {
  return JSON.stringify({ ...result, start: iso(result.start), end: iso(result.end) }, (_, v) =>
    typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : String(v)) : v,
  );
}
