import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWellFormed } from '#lib/engine/well-formed';
import { utcHour as rejectHour } from '#lib/store/utc-periods';
import { parseColumnType } from '#lib/sync/column-type';
import { rowValues } from '#lib/sync/range-reader';
import { utf8Prefix } from '#lib/sync/sync-rejects';
import { OUT_OF_DATES, syncValueOf } from '#lib/sync/sync-value';

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

describe('what a reject keeps', () => {
  it('GIVEN any text and size THEN it keeps the longest whole-character start that fits', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }).filter(isWellFormed),
        fc.nat(400),
        (text, max) => {
          const kept = utf8Prefix(text, max);
          expect(kept.bytes).toBe(utf8(text));
          expect(text.startsWith(kept.text)).toBe(true);
          expect(utf8(kept.text)).toBeLessThanOrEqual(max);
          // One more character would not fit (or there is none).
          const next = String.fromCodePoint(text.codePointAt(kept.text.length) ?? 0);
          if (kept.text.length < text.length) expect(utf8(kept.text + next)).toBeGreaterThan(max);
        },
      ),
      { numRuns: 3000 },
    );
    expect(utf8Prefix('a€b', 3)).toEqual({ text: 'a', bytes: 5 });
  });

  it('records a reject in the partition of the hour it happened in', () => {
    const at = Date.UTC(2026, 4, 6, 7, 59, 59, 999);
    expect(rejectHour(at)).toBe(Date.UTC(2026, 4, 6, 7));
    expect(rejectHour(at + 1)).toBe(Date.UTC(2026, 4, 6, 8));
  });
});

describe('rows with values past what JavaScript holds', () => {
  it('GIVEN a timestamp the driver could not make a Date of THEN the row says which column, and keeps the rest', () => {
    // The driver's Date of a Cassandra timestamp past ±8.64e15 ms (beyond 275760 AD) is invalid.
    const columns = ['id:int', 'at:timestamp', 'seen:timestamp'].map((c) => {
      const [name, type] = c.split(':') as [string, string];
      return { name, value: syncValueOf(parseColumnType(`ks.t.${name}`, type)) };
    });
    const good = { id: 1, at: new Date(0), seen: null };
    const bad = { id: 2, at: new Date(1e17), seen: new Date(-1e17) };
    expect(rowValues(columns, (n) => good[n as keyof typeof good])).toEqual({
      values: { id: 1, at: '1970-01-01T00:00:00.000Z', seen: null },
    });
    expect(rowValues(columns, (n) => bad[n as keyof typeof bad])).toEqual({
      values: { id: 2, at: null, seen: null },
      problem: `column at: ${OUT_OF_DATES}; column seen: ${OUT_OF_DATES}`,
    });
  });
});
