import { describe, expect, it } from 'vitest';
import { ScheduleExpressionError } from '#lib/schedule-expression/errors';
import {
  nextFireTime,
  parseScheduleExpression,
} from '#lib/schedule-expression/schedule-expression';
import { at, cron, DAY, MIN } from '../helpers/cron-cases.ts';

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
