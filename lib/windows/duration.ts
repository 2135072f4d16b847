const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** Unit spellings (matched case-insensitively) and their length in milliseconds. */
const UNITS: ReadonlyMap<string, number> = new Map([
  ...spell(['ms', 'msec', 'msecs', 'millisecond', 'milliseconds'], 1),
  ...spell(['s', 'sec', 'secs', 'second', 'seconds'], SECOND),
  ...spell(['m', 'min', 'mins', 'minute', 'minutes'], MINUTE),
  ...spell(['h', 'hr', 'hrs', 'hour', 'hours'], HOUR),
  ...spell(['d', 'day', 'days'], DAY),
  ...spell(['w', 'wk', 'wks', 'week', 'weeks'], WEEK),
]);

function spell(names: readonly string[], ms: number): [string, number][] {
  return names.map((name) => [name, ms]);
}

const EXAMPLES = `use a positive whole number of milliseconds or e.g. '500ms', '30s', '1m', '6h', '1d', '2w', '1h30m', '5 minutes'`;

/** A duration setting that is not a positive whole number of milliseconds. */
export class DurationError extends Error {
  /** The setting, e.g. 'windows[1].size'. */
  readonly what: string;
  readonly input: unknown;

  constructor(what: string, input: unknown, reason: string) {
    const shown = typeof input === 'string' ? `'${input}'` : String(input);
    super(`${what}: ${shown} is not a valid duration (${reason}); ${EXAMPLES}`);
    this.name = 'DurationError';
    this.what = what;
    this.input = input;
  }
}

// An amount (whole or decimal) followed by a unit; parts may be separated by spaces.
const PART = /(\d+)(?:\.(\d+))?\s*([a-z]+)/y;

/**
 * Milliseconds from a positive whole number of milliseconds, or a string such as '500ms', '30s',
 * '1m', '6h', '1d', '2w', '1h30m', '1h 30m', '5 minutes', '2 days' or '1.5h'. Compound parts must
 * go from the largest unit to the smallest. A bare number in a string is refused: '500' could
 * mean seconds as easily as milliseconds.
 *
 * @param what Names the setting in the error, e.g. 'windows[1].size'.
 * @throws DurationError when the value is not a positive, whole, safe number of milliseconds.
 */
export function parseDuration(input: string | number, what: string): number {
  if (typeof input === 'number') return checkTotal(input, input, what);
  if (typeof input !== 'string') throw new DurationError(what, input, 'not a string or number');
  const text = input.trim().toLowerCase();
  if (text === '') throw new DurationError(what, input, 'empty');
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) {
    throw new DurationError(what, input, 'no unit; give milliseconds as a number or add a unit');
  }
  if (text.startsWith('-')) throw new DurationError(what, input, 'must be positive');

  let total = 0n;
  let previousUnit = Number.POSITIVE_INFINITY;
  let at = 0;
  while (at < text.length) {
    PART.lastIndex = at;
    const match = PART.exec(text);
    if (!match) throw new DurationError(what, input, `cannot read '${text.slice(at)}'`);
    const [whole, int = '', frac = '', unit = ''] = match;
    const size = UNITS.get(unit);
    if (size === undefined) throw new DurationError(what, input, `unknown unit '${unit}'`);
    // Descending units only, which also rules out a repeated unit such as '1m1m'.
    if (size >= previousUnit) {
      throw new DurationError(what, input, 'parts must go from the largest unit to the smallest');
    }
    previousUnit = size;
    total += exactMs(
      int,
      frac,
      size,
      () => new DurationError(what, input, 'fractional milliseconds'),
    );
    at += whole.length;
    while (text[at] === ' ') at++;
  }
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) throw new DurationError(what, input, 'too large');
  return checkTotal(Number(total), input, what);
}

/** int.frac × unit in whole milliseconds; BigInt keeps '1.1s' exact where floats would not. */
function exactMs(int: string, frac: string, unit: number, fractional: () => Error): bigint {
  const scale = 10n ** BigInt(frac.length);
  const scaled = (BigInt(int) * scale + BigInt(frac || '0')) * BigInt(unit);
  if (scaled % scale !== 0n) throw fractional();
  return scaled / scale;
}

function checkTotal(ms: number, input: unknown, what: string): number {
  if (Number.isNaN(ms)) throw new DurationError(what, input, 'not a number');
  if (ms <= 0) throw new DurationError(what, input, 'must be positive');
  if (!Number.isFinite(ms) || ms > Number.MAX_SAFE_INTEGER) {
    throw new DurationError(what, input, 'too large');
  }
  if (!Number.isInteger(ms)) throw new DurationError(what, input, 'fractional milliseconds');
  return ms;
}

/** Largest first; weeks are handled apart (see formatDuration). */
const FORMAT_UNITS: readonly (readonly [string, number])[] = [
  ['d', DAY],
  ['h', HOUR],
  ['m', MINUTE],
  ['s', SECOND],
  ['ms', 1],
];

/**
 * The canonical short form of a duration, which parseDuration reads back: '500ms', '1m', '1h30m',
 * '1d2h'. Weeks are used only for whole weeks ('2w'; but '8d', not '1w1d').
 *
 * @throws RangeError when `ms` is not a non-negative safe integer ('0ms' for zero).
 */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new RangeError(`formatDuration: ${ms} is not a whole, non-negative number of ms`);
  }
  if (ms === 0) return '0ms';
  if (ms % WEEK === 0) return `${ms / WEEK}w`;
  let rest = ms;
  let out = '';
  for (const [unit, size] of FORMAT_UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) out += `${count}${unit}`;
    rest -= count * size;
  }
  return out;
}
