import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScheduleExpressionError } from '#lib/local/scheduler/errors';
import {
  type CronExpression,
  nextFireTime,
  parseScheduleExpression,
} from '#lib/local/scheduler/schedule-expression';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const at = (iso: string) => Date.parse(iso);

function cron(text: string): CronExpression {
  const expr = parseScheduleExpression(text);
  if (expr.kind !== 'cron') throw new Error(`${text} is not a cron expression`);
  return expr;
}

describe('parseScheduleExpression', () => {
  it.each([
    ['rate(1 minute)', MIN],
    ['rate(5 minutes)', 5 * MIN],
    ['rate(1 hour)', 60 * MIN],
    ['rate(12 hours)', 12 * 60 * MIN],
    ['rate(1 day)', DAY],
    ['rate(7 days)', 7 * DAY],
  ])('reads %s as an interval of %d ms', (text, intervalMs) => {
    // Act
    const expr = parseScheduleExpression(text);

    // Assess
    expect(expr).toEqual({ kind: 'rate', text, intervalMs });
  });

  it('expands the , - * / wildcards and names', () => {
    // Act
    const steps = cron('cron(0/15 * * * ? *)');
    const fromOne = cron('cron(1/10 * * * ? *)');
    const ranged = cron('cron(5-20/5 8-10 ? JAN,MAR mon-fri 2026-2028)');

    // Assess
    expect(steps.minutes).toEqual([0, 15, 30, 45]);
    expect(steps.hours).toHaveLength(24);
    expect(fromOne.minutes).toEqual([1, 11, 21, 31, 41, 51]);
    expect(ranged.minutes).toEqual([5, 10, 15, 20]);
    expect(ranged.hours).toEqual([8, 9, 10]);
    expect(ranged.months).toEqual(new Set([1, 3]));
    expect(ranged.day).toEqual({ kind: 'weekdays', weekdays: new Set([2, 3, 4, 5, 6]) });
    expect(ranged.years).toEqual([2026, 2027, 2028]);
  });

  it.each([
    ['cron(0 0 L * ? *)', { kind: 'lastDayOfMonth' }],
    ['cron(0 12 15W * ? *)', { kind: 'nearestWeekday', day: 15 }],
    ['cron(0 12 ? * 6L *)', { kind: 'lastWeekday', weekday: 6 }],
    ['cron(0 12 ? * FRIL *)', { kind: 'lastWeekday', weekday: 6 }],
    ['cron(0 9 ? * 2#1 *)', { kind: 'nthWeekday', weekday: 2, nth: 1 }],
    ['cron(0 9 ? * L *)', { kind: 'weekdays', weekdays: new Set([7]) }],
  ])('reads the days of %s', (text, day) => {
    // Assess
    expect(cron(text).day).toEqual(day);
  });

  it.each([
    ['rate(1 minutes)', 'unit', "write 'minute' for a value of 1"],
    ['rate(5 minute)', 'unit', "write 'minutes' for a value of 5"],
    ['rate(1 hours)', 'unit', "write 'hour' for a value of 1"],
    ['rate(5 weeks)', 'unit', "'weeks' is not one of minute, minutes"],
    ['rate(0 minutes)', 'value', "'0' is not a positive whole number"],
    ['rate(1.5 hours)', 'value', "'1.5' is not a positive whole number"],
    ['rate(5)', undefined, 'expected rate(value unit)'],
    ['every 5 minutes', undefined, 'expected rate(value unit) or cron('],
    ['cron(0 0 * * ?)', undefined, 'expected 6 fields'],
    ['cron(60 * * * ? *)', 'Minutes', '60 is out of range 0-59'],
    ['cron(0/0 * * * ? *)', 'Minutes', "the increment in '0/0' must be a positive whole number"],
    ['cron(30-10 * * * ? *)', 'Minutes', "the range '30-10' runs backwards"],
    ['cron(0 ? * * ? *)', 'Hours', "'?' is allowed only as the whole Day-of-month"],
    ['cron(0 0 32 * ? *)', 'Day-of-month', '32 is out of range 1-31'],
    ['cron(0 0 0 * ? *)', 'Day-of-month', '0 is out of range 1-31'],
    ['cron(0 0 1,,2 * ? *)', 'Day-of-month', "empty item in '1,,2'"],
    ['cron(0 0 L,15 * ? *)', 'Day-of-month', 'L and W stand alone'],
    ['cron(0 0 LW * ? *)', 'Day-of-month', "'LW' is not supported"],
    ['cron(0 0 32W * ? *)', 'Day-of-month', '32 is out of range 1-31'],
    ['cron(0 0 * 13 ? *)', 'Month', '13 is out of range 1-12'],
    ['cron(0 0 * FOO ? *)', 'Month', "'FOO' is not a valid value (use 1-12 or JAN-DEC)"],
    ['cron(0 0 ? * 8 *)', 'Day-of-week', '8 is out of range 1-7'],
    ['cron(0 0 ? * 0 *)', 'Day-of-week', '0 is out of range 1-7'],
    ['cron(0 0 ? * MON/2 *)', 'Day-of-week', "'/' increments are not allowed"],
    ['cron(0 0 ? * 3#6 *)', 'Day-of-week', "the week of the month after '#' must be 1-5"],
    ['cron(0 0 ? * 3#1,6#3 *)', 'Day-of-week', 'L and # stand alone'],
    ['cron(0 0 * * ? 1969)', 'Year', '1969 is out of range 1970-2199'],
    ['cron(0 0 * * ? 2200)', 'Year', '2200 is out of range 1970-2199'],
    ['cron(0 0 1 * MON *)', 'Day-of-month/Day-of-week', "both are given ('1' and 'MON')"],
    ['cron(0 0 * * * *)', 'Day-of-month/Day-of-week', "one of them must be '?'"],
    ['cron(0 0 ? * ? *)', 'Day-of-month/Day-of-week', "both are '?'"],
  ])('refuses %s (field %s)', (text, field, problem) => {
    // Act
    const act = () => parseScheduleExpression(text);

    // Assess
    expect(act).toThrow(ScheduleExpressionError);
    expect(act).toThrow(problem);
    try {
      act();
    } catch (error) {
      expect((error as ScheduleExpressionError).field).toBe(field);
      const prefix = field === undefined ? `${text}: ` : `${text}: ${field}: `;
      expect((error as Error).message.startsWith(prefix)).toBe(true);
    }
  });

  it('quotes the expression, the field and the problem in the message', () => {
    // Act
    let error: unknown;
    try {
      parseScheduleExpression('cron(0 25 * * ? *)');
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(ScheduleExpressionError);
    expect(error).toMatchObject({
      name: 'ScheduleExpressionError',
      expression: 'cron(0 25 * * ? *)',
      field: 'Hours',
      message: 'cron(0 25 * * ? *): Hours: 25 is out of range 0-23',
    });
  });
});

describe('nextFireTime', () => {
  // Fri 2026-02-27; 2026-03-01 and 2026-03-15 are Sundays; 2026-08-01 and -15 are Saturdays.
  it.each([
    ['cron(0 10 * * ? *)', '2026-03-01T09:59:59.999Z', '2026-03-01T10:00:00Z'],
    ['cron(0 10 * * ? *)', '2026-03-01T10:00:00Z', '2026-03-02T10:00:00Z'],
    ['cron(15 12 * * ? *)', '2026-12-31T12:15:30Z', '2027-01-01T12:15:00Z'],
    ['cron(0 18 ? * MON-FRI *)', '2026-02-27T18:00:00Z', '2026-03-02T18:00:00Z'],
    ['cron(0 8 1 * ? *)', '2026-02-27T12:00:00Z', '2026-03-01T08:00:00Z'],
    ['cron(0/15 * * * ? *)', '2026-02-27T12:07:00Z', '2026-02-27T12:15:00Z'],
    ['cron(0/15 * * * ? *)', '2026-02-27T23:50:00Z', '2026-02-28T00:00:00Z'],
    ['cron(0/10 * ? * MON-FRI *)', '2026-02-27T23:55:00Z', '2026-03-02T00:00:00Z'],
    ['cron(0/5 8-17 ? * MON-FRI *)', '2026-02-27T17:54:00Z', '2026-02-27T17:55:00Z'],
    ['cron(0/5 8-17 ? * MON-FRI *)', '2026-02-27T17:56:00Z', '2026-03-02T08:00:00Z'],
    ['cron(0 9 ? * 2#1 *)', '2026-02-27T12:00:00Z', '2026-03-02T09:00:00Z'],
    ['cron(0 0 L * ? *)', '2026-02-27T12:00:00Z', '2026-02-28T00:00:00Z'],
    ['cron(0 0 L * ? *)', '2028-02-27T12:00:00Z', '2028-02-29T00:00:00Z'],
    ['cron(0 12 ? * 6L *)', '2026-02-27T11:59:00Z', '2026-02-27T12:00:00Z'],
    ['cron(0 12 ? * 6L *)', '2026-02-27T12:00:00Z', '2026-03-27T12:00:00Z'],
    ['cron(0 12 15W * ? *)', '2026-02-27T12:00:00Z', '2026-03-16T12:00:00Z'],
    ['cron(0 12 15W * ? *)', '2026-08-01T00:00:00Z', '2026-08-14T12:00:00Z'],
    ['cron(0 12 1W * ? *)', '2026-07-02T00:00:00Z', '2026-08-03T12:00:00Z'],
    ['cron(0 12 31W * ? *)', '2026-05-02T00:00:00Z', '2026-05-29T12:00:00Z'],
    ['cron(0 0 29 2 ? *)', '2026-01-01T00:00:00Z', '2028-02-29T00:00:00Z'],
    ['cron(30 6 ? JAN,JUL SUN 2030)', '2026-01-01T00:00:00Z', '2030-01-06T06:30:00Z'],
  ])('fires %s after %s at %s', (text, after, expected) => {
    // Act
    const next = nextFireTime(cron(text), at(after));

    // Assess
    expect(next).toBe(at(expected));
  });

  it.each([
    ['cron(0 0 1 1 ? 2026)', '2026-01-01T00:00:00Z'],
    ['cron(0 0 31 2 ? *)', '1970-01-01T00:00:00Z'],
    ['cron(0 0 ? * 2#5 2026)', '2026-12-01T00:00:00Z'],
  ])('finds that %s fires no more after %s', (text, after) => {
    // Act
    const next = nextFireTime(cron(text), at(after));

    // Assess
    expect(next).toBeUndefined();
  });

  it('counts a rate from its anchor, strictly after the given time', () => {
    // Prepare
    const expr = parseScheduleExpression('rate(5 minutes)');
    const anchor = at('2026-03-01T10:00:30Z');

    // Act
    const times = [anchor - DAY, anchor, anchor + 5 * MIN - 1, anchor + 5 * MIN, anchor + 7 * MIN];
    const next = times.map((after) => nextFireTime(expr, after, anchor));

    // Assess
    const fires = [1, 1, 1, 2, 2].map((k) => anchor + k * 5 * MIN);
    expect(next).toEqual(fires);
  });
});

/** A generated cron field: its text, and (apart from the parser) which values it allows. */
type Field = { readonly text: string; readonly allows: (value: number) => boolean };
type Days = {
  readonly dayOfMonth: string;
  readonly dayOfWeek: string;
  readonly allows: (date: Date) => boolean;
};
type CronCase = { readonly text: string; readonly fields: Field[]; readonly days: Days };

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
const cronCases: fc.Arbitrary<CronCase> = fc
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
function matches(c: CronCase, ms: number): boolean {
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
function firstMatch(c: CronCase, from: number, until: number): number | undefined {
  for (let dayStart = from - (from % DAY); dayStart < until; dayStart += DAY) {
    if (!matchesDay(c, dayStart)) continue;
    const dayEnd = Math.min(dayStart + DAY, until);
    for (let t = Math.max(dayStart, from); t < dayEnd; t += MIN) if (matches(c, t)) return t;
  }
  return undefined;
}

// Long enough to cover nearly every gap the generated expressions leave.
const BRUTE_FORCE_MS = 3 * 366 * DAY;
const instants = fc.integer({ min: at('2020-01-01T00:00:00Z'), max: at('2045-12-31T23:59:59Z') });

describe('nextFireTime properties', () => {
  it('gives a matching minute after the given time, and no matching minute before it', () => {
    fc.assert(
      fc.property(
        cronCases,
        fc.oneof(
          instants,
          instants.map((t) => t - (t % MIN)),
        ),
        (c, after) => {
          // Act
          const next = nextFireTime(cron(c.text), after);

          // Assess
          if (next !== undefined) {
            expect(next).toBeGreaterThan(after);
            expect(matches(c, next)).toBe(true);
          }
          const from = (Math.floor(after / MIN) + 1) * MIN;
          const until = Math.min(next ?? Number.POSITIVE_INFINITY, from + BRUTE_FORCE_MS);
          expect(firstMatch(c, from, until)).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fires a rate at the first whole interval from the anchor after the given time', () => {
    const units = fc.constantFrom('minute', 'hour', 'day');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        units,
        instants,
        instants,
        (n, unit, anchor, after) => {
          // Prepare
          const expr = parseScheduleExpression(n === 1 ? `rate(1 ${unit})` : `rate(${n} ${unit}s)`);
          if (expr.kind !== 'rate') throw new Error('not a rate');

          // Act
          const next = nextFireTime(expr, after, anchor);

          // Assess
          expect(next).toBeDefined();
          const fire = next ?? 0;
          expect(fire).toBeGreaterThan(after);
          expect((fire - anchor) % expr.intervalMs).toBe(0);
          expect(fire - anchor).toBeGreaterThanOrEqual(expr.intervalMs);
          expect(fire - expr.intervalMs).toBeLessThanOrEqual(Math.max(after, anchor));
        },
      ),
    );
  });
});
