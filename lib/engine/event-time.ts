/** ISO-8601 date-time with an explicit zone; local times are ambiguous, so they are refused. */
const ISO_WITH_ZONE =
  /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})$/;

export type ParsedTime = { ok: true; ms: number } | { ok: false; problem: string };

/** Reads an event time: epoch milliseconds (a finite number) or an ISO-8601 string with a zone. */
export function parseEventTime(value: unknown): ParsedTime {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, problem: `is ${value}, not a time` };
    return { ok: true, ms: Math.floor(value) };
  }
  if (typeof value === 'string') {
    const ms = ISO_WITH_ZONE.test(value) ? Date.parse(value) : Number.NaN;
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

/** 'array', 'null', 'object', 'string', ...: what a JSON value is, for error messages. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
