/** ISO-8601 date-time with an explicit zone; local times are ambiguous, so they are refused. */
const ISO_WITH_ZONE =
  /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})$/;

export type ParsedTime = { ok: true; ms: number } | { ok: false; problem: string };

/** The furthest a JavaScript Date (and so a CQL timestamp written from one) reaches from 1970. */
const DATE_RANGE_MS = 8.64e15;

/**
 * Reads an event time: epoch milliseconds (a finite number), a valid `Date`, or an ISO-8601
 * string with a zone; anything beyond the range of dates is refused here, so no write fails on it.
 */
export function parseEventTime(value: unknown): ParsedTime {
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? { ok: false, problem: 'is an invalid Date' } : { ok: true, ms };
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, problem: `is ${value}, not a time` };
    if (Math.abs(value) > DATE_RANGE_MS) {
      return { ok: false, problem: `is ${value} ms since the epoch, beyond the range of dates` };
    }
    return { ok: true, ms: Math.floor(value) };
  }
  if (typeof value === 'string') {
    const ms = ISO_WITH_ZONE.test(value) ? parseIsoTime(value) : Number.NaN;
    if (Number.isNaN(ms)) {
      return {
        ok: false,
        problem: `is '${value.slice(0, 40)}', not epoch milliseconds or an ISO-8601 time with a zone`,
      };
    }
    return { ok: true, ms };
  }
  return {
    ok: false,
    problem: `must be epoch milliseconds or an ISO-8601 string, got ${typeName(value)}`,
  };
}

/**
 * Date.parse, except that a day the month does not have is NaN: V8 reads '2026-11-31' as
 * 1 December, which would count an event on another day without a word.
 */
export function parseIsoTime(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return ms;
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const start = new Date(0);
  start.setUTCFullYear(year, month - 1, day); // not Date.UTC, which reads years 0-99 as 19xx
  return start.getUTCMonth() === month - 1 && start.getUTCDate() === day ? ms : Number.NaN;
}

/** 'array', 'null', 'object', 'string', ...: what a JSON value is, for error messages. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'Date';
  return typeof value;
}

/** ISO-8601 where a Date can hold it, epoch milliseconds otherwise. */
export function describeTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} ms since the epoch` : date.toISOString();
}
