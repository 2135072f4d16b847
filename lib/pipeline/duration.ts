const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

export class DurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DurationError';
  }
}

const PART = /(\d+)\s*([a-z]+)/g;
const WHOLE = /^(\s*\d+\s*[a-z]+\s*)+$/;

/**
 * Milliseconds from '500ms', '30s', '1m', '6h', '1d', '1h30m', '5 minutes', or a positive whole
 * number of milliseconds. `what` names the setting in the error.
 */
export function parseDuration(input: string | number, what: string): number {
  const fail = () =>
    new DurationError(
      `${what}: '${String(input)}' is not a duration; use e.g. '500ms', '30s', '1m', '6h', '1d' or milliseconds`,
    );
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input) || input <= 0) throw fail();
    return input;
  }
  const text = String(input).trim().toLowerCase();
  if (!WHOLE.test(text)) throw fail();
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) {
    const size = UNITS[unit as string];
    if (size === undefined) throw fail();
    total += Number(amount) * size;
  }
  if (total <= 0 || !Number.isSafeInteger(total)) throw fail();
  return total;
}
