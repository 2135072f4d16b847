// Generated EventBridge cron expressions, with when they fire worked out by brute force over
// Date (not by the scheduler's own arithmetic), for the property tests of nextFireTime.
import fc from 'fast-check';
import {
  type CronExpression,
  parseScheduleExpression,
} from '#lib/schedule-expression/schedule-expression';

export const MIN = 60_000;
export const DAY = 24 * 60 * MIN;
export const at = (iso: string) => Date.parse(iso);

/** A cron expression parsed, for tests that know it is one. */
export function cron(text: string): CronExpression {
  const expr = parseScheduleExpression(text);
  if (expr.kind !== 'cron') throw new Error(`${text} is not a cron expression`);
  return expr;
}

/** A generated cron field: its text, and (apart from the parser) which values it allows. */
type Field = { readonly text: string; readonly allows: (value: number) => boolean };
type Days = {
  readonly dayOfMonth: string;
  readonly dayOfWeek: string;
  readonly allows: (date: Date) => boolean;
};
export type CronCase = { readonly text: string; readonly fields: Field[]; readonly days: Days };

const STAR: Field = { text: '*', allows: () => true };
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

function listField(
  min: number,
  max: number,
  names: string[] = [],
  steps = true,
): fc.Arbitrary<Field> {
  const value = fc.integer({ min, max });
  const spell = (v: number, byName: boolean) => (byName ? (names[v - min] ?? `${v}`) : `${v}`);
  const single = fc.tuple(value, fc.boolean()).map(
    ([v, byName]): Field => ({
      text: spell(v, byName),
      allows: (x) => x === v,
    }),
  );
  const range = fc.tuple(value, value, fc.boolean()).map(([a, b, byName]): Field => {
    const [lo, hi] = [Math.min(a, b), Math.max(a, b)];
    return { text: `${spell(lo, byName)}-${spell(hi, byName)}`, allows: (x) => x >= lo && x <= hi };
  });
  const stepped = fc
    .tuple(
      fc.constantFrom('*', 'from', 'range'),
      value,
      value,
      fc.integer({ min: 1, max: max - min + 1 }),
    )
    .map(([form, a, b, by]): Field => {
      const [lo, hi] =
        form === '*' ? [min, max] : form === 'from' ? [a, max] : [Math.min(a, b), Math.max(a, b)];
      const base = form === '*' ? '*' : form === 'from' ? `${a}` : `${lo}-${hi}`;
      return { text: `${base}/${by}`, allows: (x) => x >= lo && x <= hi && (x - lo) % by === 0 };
    });
  const parts = steps ? fc.oneof(single, range, stepped) : fc.oneof(single, range);
  const list = fc.array(parts, { minLength: 1, maxLength: 3 }).map(
    (items): Field => ({
      text: items.map((item) => item.text).join(','),
      allows: (x) => items.some((item) => item.allows(x)),
    }),
  );
  return fc.oneof({ arbitrary: fc.constant(STAR), weight: 2 }, { arbitrary: list, weight: 3 });
}

// The calendar again, by brute force over Date rather than by the module's arithmetic.
const lastDayOf = (d: Date) =>
  new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
const weekdayOf = (d: Date) => d.getUTCDay() + 1;
function nearestWorkday(d: Date, day: number): number | undefined {
  let best: number | undefined;
  for (let c = 1; c <= lastDayOf(d) && day <= lastDayOf(d); c++) {
    const weekday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), c)).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    if (best === undefined || Math.abs(c - day) < Math.abs(best - day)) best = c;
  }
  return best;
}
function nthOfItsWeekday(d: Date): number {
  let n = 0;
  for (let c = d.getUTCDate(); c >= 1; c -= 7) n++;
  return n;
}

const weekday = fc.integer({ min: 1, max: 7 });
const days: fc.Arbitrary<Days> = fc.oneof(
  listField(1, 31).map((f) => ({
    dayOfMonth: f.text,
    dayOfWeek: '?',
    allows: (d: Date) => f.allows(d.getUTCDate()),
  })),
  fc.constant({
    dayOfMonth: 'L',
    dayOfWeek: '?',
    allows: (d: Date) => d.getUTCDate() === lastDayOf(d),
  }),
  fc.integer({ min: 1, max: 31 }).map((n) => ({
    dayOfMonth: `${n}W`,
    dayOfWeek: '?',
    allows: (d: Date) => d.getUTCDate() === nearestWorkday(d, n),
  })),
  listField(1, 7, WEEKDAYS, false).map((f) => ({
    dayOfMonth: '?',
    dayOfWeek: f.text,
    allows: (d: Date) => f.allows(weekdayOf(d)),
  })),
  fc.constant({ dayOfMonth: '?', dayOfWeek: 'L', allows: (d: Date) => weekdayOf(d) === 7 }),
  weekday.map((w) => ({
    dayOfMonth: '?',
    dayOfWeek: `${w}L`,
    allows: (d: Date) =>
      weekdayOf(d) === w && new Date(d.getTime() + 7 * DAY).getUTCDate() < d.getUTCDate(),
  })),
  fc.tuple(weekday, fc.integer({ min: 1, max: 5 })).map(([w, k]) => ({
    dayOfMonth: '?',
    dayOfWeek: `${w}#${k}`,
    allows: (d: Date) => weekdayOf(d) === w && nthOfItsWeekday(d) === k,
  })),
);
const nearYears = fc.tuple(fc.integer({ min: 2020, max: 2045 }), fc.integer({ min: 0, max: 5 }));
const years = fc.oneof(
  { arbitrary: fc.constant(STAR), weight: 4 },
  {
    arbitrary: nearYears.map(
      ([y, n]): Field => ({ text: `${y}-${y + n}`, allows: (x) => x >= y && x <= y + n }),
    ),
    weight: 2,
  },
  { arbitrary: listField(1970, 2199), weight: 1 },
);
export const cronCases: fc.Arbitrary<CronCase> = fc
  .tuple(listField(0, 59), listField(0, 23), days, listField(1, 12, MONTHS), years)
  .map(([minutes, hours, d, months, y]) => ({
    text: `cron(${minutes.text} ${hours.text} ${d.dayOfMonth} ${months.text} ${d.dayOfWeek} ${y.text})`,
    fields: [minutes, hours, months, y],
    days: d,
  }));

/** Whether the generated case fires on the UTC day of `ms`, worked out without the module. */
function matchesDay(c: CronCase, ms: number): boolean {
  const d = new Date(ms);
  const [, , months, y] = c.fields;
  return (
    months?.allows(d.getUTCMonth() + 1) === true &&
    y?.allows(d.getUTCFullYear()) === true &&
    c.days.allows(d)
  );
}

/** Whether the generated case fires at `ms`, worked out without the module. */
export function matches(c: CronCase, ms: number): boolean {
  const d = new Date(ms);
  const [minutes, hours] = c.fields;
  return (
    ms % MIN === 0 &&
    minutes?.allows(d.getUTCMinutes()) === true &&
    hours?.allows(d.getUTCHours()) === true &&
    matchesDay(c, ms)
  );
}

/** The first matching minute in [from, until): day by day, then minute by minute on matching days. */
export function firstMatch(c: CronCase, from: number, until: number): number | undefined {
  for (let dayStart = from - (from % DAY); dayStart < until; dayStart += DAY) {
    if (!matchesDay(c, dayStart)) continue;
    const dayEnd = Math.min(dayStart + DAY, until);
    for (let t = Math.max(dayStart, from); t < dayEnd; t += MIN) if (matches(c, t)) return t;
  }
  return undefined;
}
