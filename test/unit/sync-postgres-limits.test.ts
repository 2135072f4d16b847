import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseColumnType } from '#lib/sync/column-type';
import type { SyncColumn } from '#lib/sync/target';
import { postgresRowCheck } from '#lib/sync/targets/postgres-limits';
import {
  POSTGRES_MIN_TIMESTAMP_MS,
  postgresTimestamp,
  timestampProblem,
} from '#lib/sync/targets/postgres-timestamps';
import { postgresParam } from '#lib/sync/targets/postgres-types';

const column = (name: string, cqlType: string): SyncColumn => ({
  name,
  cqlType,
  type: parseColumnType(`ks.t.${name}`, cqlType),
  kind: 'regular',
});
const check = postgresRowCheck([
  column('name', 'text'),
  column('tags', 'map<text, text>'),
  column('data', 'blob'),
  column('at', 'timestamp'),
]);

/** PostgreSQL's text form of a timestamp read back, as `postgresTimestamp` writes it. */
function readBack(text: string): number {
  const m = /^(\d{4,6})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})\+00( BC)?$/.exec(text);
  if (!m) return Date.parse(text);
  const [, y, mo, d, h, mi, s, ms, bc] = m.map((part) => part ?? '');
  const date = new Date(0);
  date.setUTCFullYear(bc ? 1 - Number(y) : Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), Number(ms));
  return date.getTime();
}

/** Any text, half of it with a U+0000 somewhere. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc
    .tuple(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }))
    .map(([a, b]) => `${a}\u0000${b}`),
);

/** Any date JavaScript holds, and many near PostgreSQL's earliest. */
const anyDate = fc.oneof(
  fc.date({ noInvalidDate: true }),
  fc
    .integer({ min: -1e12, max: 1e12 })
    .map((offset) => new Date(POSTGRES_MIN_TIMESTAMP_MS + offset)),
);

describe('PostgreSQL row limits', () => {
  it('GIVEN any text THEN a row is refused exactly when its text or jsonb holds U+0000', () => {
    fc.assert(
      fc.property(
        anyText,
        fc.dictionary(anyText, anyText, { maxKeys: 3 }),
        fc.uint8Array(),
        (name, tags, data) => {
          const problem = check({ name, tags, data, at: null });
          const nulInText = name.includes('\u0000');
          const nulInJson = Object.entries(tags).some(([k, v]) => `${k}${v}`.includes('\u0000'));
          expect(problem !== undefined).toBe(nulInText || nulInJson);
          if (nulInText) expect(problem).toMatch(/^column name: text holds U\+0000/);
          else if (nulInJson) expect(problem).toMatch(/^column tags: .*jsonb cannot store/);
        },
      ),
      { numRuns: 2000 },
    );
    expect(check({ name: 'a\u0000b', tags: null, data: new Uint8Array([0]), at: null })).toBe(
      'column name: text holds U+0000 (NUL), which PostgreSQL text cannot store',
    );
  });

  it('GIVEN any timestamp THEN it is refused exactly when before 4714-11-24 BC', () => {
    fc.assert(
      fc.property(anyDate, (date) => {
        const iso = date.toISOString();
        const problem = check({ name: 'x', tags: null, data: null, at: iso });
        expect(problem !== undefined).toBe(date.getTime() < POSTGRES_MIN_TIMESTAMP_MS);
        if (problem) expect(problem).toMatch(/^column at: timestamp .* before 4714-11-24 BC/);
      }),
      { numRuns: 5000 },
    );
    expect(timestampProblem(new Date(POSTGRES_MIN_TIMESTAMP_MS).toISOString())).toBeUndefined();
    expect(timestampProblem('2026-99-01T00:00:00.000Z')).toMatch(/is not a time/);
    expect(timestampProblem(new Date(POSTGRES_MIN_TIMESTAMP_MS - 1).toISOString())).toMatch(
      /before 4714-11-24 BC/,
    );
  });

  it('GIVEN any timestamp it keeps THEN it is written in a form PostgreSQL reads as the same time', () => {
    // PostgreSQL reads '-000100-...' and '+010000-...' as time zone offsets and refuses them.
    fc.assert(
      fc.property(anyDate, (date) => {
        const iso = date.toISOString();
        const text = postgresTimestamp(iso);
        expect(readBack(text)).toBe(date.getTime());
        const year = date.getUTCFullYear();
        if (year >= 1 && year <= 9999) expect(text).toBe(iso);
        else expect(text).toMatch(/^\d{4,6}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+00( BC)?$/);
      }),
      { numRuns: 5000 },
    );
    expect(postgresTimestamp('-000100-03-04T05:06:07.089Z')).toBe('0101-03-04 05:06:07.089+00 BC');
    expect(postgresTimestamp('0000-12-31T23:59:59.999Z')).toBe('0001-12-31 23:59:59.999+00 BC');
    expect(postgresTimestamp('+020000-01-01T00:00:00.000Z')).toBe('20000-01-01 00:00:00.000+00');
    expect(postgresParam(parseColumnType('c', 'timestamp'), '-000100-03-04T05:06:07.089Z')).toBe(
      '0101-03-04 05:06:07.089+00 BC',
    );
  });
});
