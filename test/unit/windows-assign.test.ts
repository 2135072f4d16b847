import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  paneLength,
  paneOf,
  panesOfWindow,
  type SlideShape,
  sliding,
  slidingWindowsOf,
  type TimeRange,
  tumblingWindowOf,
  WindowRangeError,
  windowsContainingPane,
} from '#lib/windows/index';

const MIN = 60_000;
const key = (r: TimeRange) => `${r.start}:${r.end}`;

/** Windows holding t by brute force: try every multiple of slide near t. */
function bruteWindows(t: number, spec: SlideShape): TimeRange[] {
  const out: TimeRange[] = [];
  const first = Math.floor((t - spec.size) / spec.slide) - 1;
  const last = Math.floor(t / spec.slide) + 1;
  for (let k = first; k <= last; k++) {
    const start = k * spec.slide;
    if (start <= t && t < start + spec.size) out.push({ start, end: start + spec.size });
  }
  return out;
}

const shapes = fc
  .tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }))
  .map(([a, b]): SlideShape => ({ size: Math.max(a, b), slide: Math.min(a, b) }));
const times = fc.oneof(
  fc.integer({ min: -5000, max: 5000 }),
  fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
);

describe('tumblingWindowOf', () => {
  it('puts the window start in the window and the end in the next', () => {
    // Act
    const atStart = tumblingWindowOf(2 * MIN, MIN);
    const atLast = tumblingWindowOf(3 * MIN - 1, MIN);
    const atEnd = tumblingWindowOf(3 * MIN, MIN);

    // Assess
    expect(atStart).toEqual({ start: 2 * MIN, end: 3 * MIN });
    expect(atLast).toEqual({ start: 2 * MIN, end: 3 * MIN });
    expect(atEnd).toEqual({ start: 3 * MIN, end: 4 * MIN });
  });

  it('aligns times before 1970 down, not toward zero', () => {
    // Assess
    expect(tumblingWindowOf(-1, MIN)).toEqual({ start: -MIN, end: 0 });
    expect(tumblingWindowOf(-MIN, MIN)).toEqual({ start: -MIN, end: 0 });
    expect(tumblingWindowOf(-MIN - 1, MIN)).toEqual({ start: -2 * MIN, end: -MIN });
    expect(tumblingWindowOf(0, MIN)).toEqual({ start: 0, end: MIN });
  });

  it('aligns a size that does not divide a day to the epoch, not to midnight', () => {
    // Act
    const window = tumblingWindowOf(Date.UTC(2024, 0, 1), 7 * MIN);

    // Assess
    expect(window).toEqual({
      start: Date.UTC(2023, 11, 31, 23, 54),
      end: Date.UTC(2024, 0, 1, 0, 1),
    });
  });

  it('matches exact integer floor division', () => {
    fc.assert(
      fc.property(
        fc.integer({
          min: Number.MIN_SAFE_INTEGER + 2 ** 40,
          max: Number.MAX_SAFE_INTEGER - 2 ** 40,
        }),
        fc.integer({ min: 1, max: 2 ** 40 }),
        (t, size) => {
          const k = BigInt(t) / BigInt(size) - (BigInt(t) % BigInt(size) < 0n ? 1n : 0n);
          expect(tumblingWindowOf(t, size)).toEqual({
            start: Number(k * BigInt(size)),
            end: Number((k + 1n) * BigInt(size)),
          });
        },
      ),
    );
  });
});

describe('sliding windows', () => {
  it('keep a 10m window sliding by 4m in 2m panes', () => {
    // Arrange
    const spec = sliding('10m', '4m');

    // Act
    const pane = paneOf(13 * MIN, spec);
    const windows = slidingWindowsOf(13 * MIN, spec);

    // Assess
    expect(paneLength(spec)).toBe(2 * MIN);
    expect(pane).toEqual({ start: 12 * MIN, end: 14 * MIN });
    expect(windows).toEqual([
      { start: 4 * MIN, end: 14 * MIN },
      { start: 8 * MIN, end: 18 * MIN },
      { start: 12 * MIN, end: 22 * MIN },
    ]);
    expect(slidingWindowsOf(14 * MIN, spec)).toEqual([
      { start: 8 * MIN, end: 18 * MIN },
      { start: 12 * MIN, end: 22 * MIN },
    ]);
    expect(panesOfWindow({ start: 4 * MIN, end: 14 * MIN }, spec).map((p) => p.start)).toEqual(
      [4, 6, 8, 10, 12].map((m) => m * MIN),
    );
  });

  it('give each event size / slide windows when slide divides size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        times,
        (slide, n, t) => {
          expect(slidingWindowsOf(t, { size: slide * n, slide })).toHaveLength(n);
        },
      ),
    );
  });

  it('handle times before 1970', () => {
    // Act
    const windows = slidingWindowsOf(-1, { size: 2 * MIN, slide: MIN });

    // Assess
    expect(windows).toEqual([
      { start: -2 * MIN, end: 0 },
      { start: -MIN, end: MIN },
    ]);
  });

  it('match brute force, ascending', () => {
    fc.assert(
      fc.property(shapes, times, (spec, t) => {
        expect(slidingWindowsOf(t, spec)).toEqual(bruteWindows(t, spec));
      }),
    );
  });

  it('assembled from panes hold exactly the events of direct assignment', () => {
    fc.assert(
      fc.property(shapes, fc.array(times, { minLength: 1, maxLength: 40 }), (spec, events) => {
        const direct = new Map<string, number[]>();
        const byPane = new Map<string, number[]>();
        for (const t of events) {
          for (const w of slidingWindowsOf(t, spec))
            direct.set(key(w), [...(direct.get(key(w)) ?? []), t]);
          const pane = paneOf(t, spec);
          byPane.set(key(pane), [...(byPane.get(key(pane)) ?? []), t]);
        }
        for (const [wKey, expected] of direct) {
          const [start, end] = wKey.split(':').map(Number) as [number, number];
          const assembled = panesOfWindow({ start, end }, spec).flatMap(
            (p) => byPane.get(key(p)) ?? [],
          );
          expect(assembled.sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
        }
      }),
    );
  });

  it('tile each window with whole panes, every pane in a window', () => {
    fc.assert(
      fc.property(shapes, times, (spec, t) => {
        const pane = paneOf(t, spec);
        const windows = windowsContainingPane(pane, spec);
        expect(windows.length).toBeGreaterThanOrEqual(1);
        expect(windows).toEqual(slidingWindowsOf(t, spec));
        for (const w of windows) {
          const panes = panesOfWindow(w, spec);
          expect(panes[0]?.start).toBe(w.start);
          expect(panes.at(-1)?.end).toBe(w.end);
          panes.forEach((p, i) => {
            expect(p.end - p.start).toBe(paneLength(spec));
            if (i > 0) expect(p.start).toBe(panes[i - 1]?.end);
          });
          expect(panes.map(key)).toContain(key(pane));
        }
      }),
    );
  }, 30_000); // up to 10,000 panes per window: seconds on a busy 2-core machine

  it('refuse a range that is not one of their panes or windows', () => {
    // Arrange
    const spec = sliding('10m', '4m');

    // Assess
    expect(() => windowsContainingPane({ start: MIN, end: 3 * MIN }, spec)).toThrow(
      WindowRangeError,
    );
    expect(() => windowsContainingPane({ start: 0, end: MIN }, spec)).toThrow(WindowRangeError);
    expect(() => panesOfWindow({ start: 2 * MIN, end: 12 * MIN }, spec)).toThrow(
      /is not a window of 600000 ms sliding by 240000 ms/,
    );
    expect(() => panesOfWindow({ start: 0, end: 4 * MIN }, spec)).toThrow(WindowRangeError);
  });
});
