import type { DayRule } from './day-rule.ts';
import { ScheduleExpressionError } from './errors.ts';

/** The range and spellings of one field of a cron expression. */
export interface CronFieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names of min, min + 1, ... (e.g. JAN for 1), matched case-insensitively. */
  readonly names?: readonly string[];
  /** Whether `/` increments are allowed: EventBridge lists none for Day-of-week. */
  readonly steps: boolean;
}

export const MINUTES: CronFieldSpec = { name: 'Minutes', min: 0, max: 59, steps: true };
export const HOURS: CronFieldSpec = { name: 'Hours', min: 0, max: 23, steps: true };
export const DAY_OF_MONTH: CronFieldSpec = { name: 'Day-of-month', min: 1, max: 31, steps: true };
export const MONTH: CronFieldSpec = {
  name: 'Month',
  min: 1,
  max: 12,
  names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  steps: true,
};
export const DAY_OF_WEEK: CronFieldSpec = {
  name: 'Day-of-week',
  min: 1,
  max: 7,
  names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
  steps: false,
};
export const YEAR: CronFieldSpec = { name: 'Year', min: 1970, max: 2199, steps: true };

function failer(expression: string, spec: CronFieldSpec): (problem: string) => never {
  return (problem) => {
    throw new ScheduleExpressionError(expression, spec.name, problem);
  };
}

/**
 * A single value of a field: a number in range or one of the field's names.
 *
 * @throws ScheduleExpressionError naming the field and the value.
 */
export function readFieldValue(token: string, spec: CronFieldSpec, expression: string): number {
  const fail = failer(expression, spec);
  if (/^\d+$/.test(token)) {
    const value = Number(token);
    if (value < spec.min || value > spec.max) {
      fail(`${token} is out of range ${spec.min}-${spec.max}`);
    }
    return value;
  }
  const index = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  if (index >= 0) return spec.min + index;
  const spelled = spec.names ? ` or ${spec.names[0]}-${spec.names.at(-1)}` : '';
  return fail(`'${token}' is not a valid value (use ${spec.min}-${spec.max}${spelled})`);
}

/**
 * The values a field made of `,` `-` `*` `/` parts allows, ascending. `a/n` counts from a to
 * the field's maximum, `*` / `a-b` then `/n` step through that range.
 *
 * @throws ScheduleExpressionError naming the field and the part at fault.
 */
export function parseFieldValues(text: string, spec: CronFieldSpec, expression: string): number[] {
  const fail = failer(expression, spec);
  if (text.includes('?')) fail(`'?' is allowed only as the whole Day-of-month or Day-of-week`);
  const allowed = new Set<number>();
  for (const part of text.split(',')) {
    if (part === '') fail(`empty item in '${text}'`);
    const [base = '', step, extra] = part.split('/');
    if (extra !== undefined) fail(`'${part}' has more than one '/'`);
    if (step !== undefined && !spec.steps) fail(`'/' increments are not allowed (in '${part}')`);
    const [low, to] = readRange(base, spec, expression);
    let high = to;
    let by = 1;
    if (step !== undefined) {
      by = /^\d+$/.test(step) ? Number(step) : 0;
      if (by < 1) fail(`the increment in '${part}' must be a positive whole number`);
      // 'a/n' runs from a to the end of the field's range.
      if (base !== '*' && !base.includes('-')) high = spec.max;
    }
    for (let value = low; value <= high; value += by) allowed.add(value);
  }
  return [...allowed].sort((a, b) => a - b);
}

/** `*`, `a` or `a-b` as the lowest and highest value. */
function readRange(base: string, spec: CronFieldSpec, expression: string): [number, number] {
  if (base === '*') return [spec.min, spec.max];
  const ends = base.split('-');
  if (ends.length > 2) failer(expression, spec)(`'${base}' is not a range like 1-5`);
  const low = readFieldValue(ends[0] ?? '', spec, expression);
  const high = ends[1] === undefined ? low : readFieldValue(ends[1], spec, expression);
  if (low > high) failer(expression, spec)(`the range '${base}' runs backwards`);
  return [low, high];
}

/**
 * The Day-of-month and Day-of-week fields as one rule. EventBridge wants exactly one of them to
 * be `?`: Day-of-month days, `*`, `L` or `nW`, or Day-of-week days, `*`, `L`, `nL` or `n#k`.
 *
 * @throws ScheduleExpressionError naming the field at fault.
 */
export function parseDayFields(dayOfMonth: string, dayOfWeek: string, expression: string): DayRule {
  const fail = (problem: string): never => {
    throw new ScheduleExpressionError(expression, 'Day-of-month/Day-of-week', problem);
  };
  if (dayOfMonth === '?' && dayOfWeek === '?')
    fail(`both are '?'; one of them must choose the days`);
  if (dayOfMonth !== '?' && dayOfWeek !== '?') {
    fail(`both are given ('${dayOfMonth}' and '${dayOfWeek}'); one of them must be '?'`);
  }
  return dayOfWeek === '?'
    ? parseDayOfMonth(dayOfMonth, expression)
    : parseDayOfWeek(dayOfWeek, expression);
}

function parseDayOfMonth(text: string, expression: string): DayRule {
  const fail = failer(expression, DAY_OF_MONTH);
  if (text.toUpperCase() === 'L') return { kind: 'lastDayOfMonth' };
  const weekday = /^(\d+)W$/i.exec(text);
  if (weekday) {
    return {
      kind: 'nearestWeekday',
      day: readFieldValue(weekday[1] ?? '', DAY_OF_MONTH, expression),
    };
  }
  if (/LW/i.test(text)) fail(`'LW' is not supported: use 'L' or a day such as '28W'`);
  if (/[LW]/i.test(text)) fail(`'${text}': L and W stand alone, as 'L' or e.g. '15W'`);
  return { kind: 'monthDays', days: new Set(parseFieldValues(text, DAY_OF_MONTH, expression)) };
}

function parseDayOfWeek(text: string, expression: string): DayRule {
  const fail = failer(expression, DAY_OF_WEEK);
  // 'L' alone is the last day of the week: Saturday.
  if (text.toUpperCase() === 'L') return { kind: 'weekdays', weekdays: new Set([7]) };
  const last = /^(\w+)L$/i.exec(text);
  if (last) {
    return { kind: 'lastWeekday', weekday: readFieldValue(last[1] ?? '', DAY_OF_WEEK, expression) };
  }
  const nth = /^(\w+)#(\d+)$/.exec(text);
  if (nth) {
    const weekday = readFieldValue(nth[1] ?? '', DAY_OF_WEEK, expression);
    const n = Number(nth[2]);
    if (n < 1 || n > 5) fail(`'${text}': the week of the month after '#' must be 1-5`);
    return { kind: 'nthWeekday', weekday, nth: n };
  }
  if (/[L#]/i.test(text)) {
    fail(`'${text}': L and # stand alone, as e.g. '6L' or '3#2' (one such day per expression)`);
  }
  return { kind: 'weekdays', weekdays: new Set(parseFieldValues(text, DAY_OF_WEEK, expression)) };
}
