import type { SoakSample } from './sample.ts';

const COLUMNS = [
  'min',
  'records',
  'late',
  'wm lag s',
  'closer lag s',
  'due open',
  'shards',
  'retired',
  'tombstones: shards',
  'cursor',
  'index',
  'warn',
  'fail',
];

/** One line per minute, under a header on the first. */
export function printSample(s: SoakSample, header: boolean): string {
  const seconds = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(0) : '-');
  const cells = [
    String(s.minute),
    s.records.toLocaleString('en-US'),
    s.late.toLocaleString('en-US'),
    seconds(s.watermarkLagMs),
    seconds(s.closerLagMs),
    String(s.dueButOpen),
    String(s.shardRows),
    String(s.retired),
    String(s.shardsRead.tombstones),
    String(s.cursorRead.tombstones),
    String(s.indexRead.tombstones),
    String(s.tombstoneWarnings),
    String(s.tombstoneFailures),
  ];
  const line = cells.map((c, i) => c.padStart((COLUMNS[i] ?? '').length)).join('  ');
  return header ? `${COLUMNS.join('  ')}\n${line}` : line;
}

/**
 * Flat when the costs of the last quarter of the run are within twice those of the first
 * (plus a small constant: a page closing as it is read) and Cassandra failed no read.
 */
export function soakVerdict(samples: readonly SoakSample[]) {
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  const first = samples.slice(0, quarter);
  const last = samples.slice(-quarter);
  const mean = (list: readonly SoakSample[], pick: (s: SoakSample) => number) =>
    list.reduce((n, s) => n + pick(s), 0) / list.length;
  const measures: [string, (s: SoakSample) => number][] = [
    // A retired shard's row is deleted: one tombstone each, bounded by how often one reshards.
    [
      'tombstones per shards read, beyond one per retired shard',
      (s) => s.shardsRead.tombstones - s.retired,
    ],
    ['tombstones per cursor read', (s) => s.cursorRead.tombstones],
    ['tombstones per open-index read', (s) => s.indexRead.tombstones],
    ['windows due but open', (s) => s.dueButOpen],
  ];
  const lines: string[] = [];
  let flat = (samples.at(-1)?.tombstoneFailures ?? 0) === 0;
  for (const [name, pick] of measures) {
    const a = mean(first, pick);
    const b = mean(last, pick);
    const ok = b <= 2 * a + 20;
    flat &&= ok;
    lines.push(
      `${name}: first quarter ${a.toFixed(1)}, last quarter ${b.toFixed(1)} ${ok ? '(flat)' : '(GROWS)'}`,
    );
  }
  lines.push(
    `Cassandra: ${samples.at(-1)?.tombstoneWarnings ?? 0} tombstone warnings, ${samples.at(-1)?.tombstoneFailures ?? 0} failed reads`,
  );
  lines.push(flat ? 'Costs stayed flat.' : 'Costs grew: see above.');
  return { flat, lines };
}
