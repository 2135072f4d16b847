import { HOURS, MINUTES, MONTH, parseDayFields, parseFieldValues, YEAR } from './cron-field.ts';
import { type DayRule, dayMatches, daysInMonth } from './day-rule.ts';
import { ScheduleExpressionError } from './errors.ts';

const MINUTE_MS = 60_000;
const UNIT_MS: ReadonlyMap<string, number> = new Map([
  ['minute', MINUTE_MS],
  ['hour', 60 * MINUTE_MS],
  ['day', 24 * 60 * MINUTE_MS],
]);
const CRON_FIELDS = ['Minutes', 'Hours', 'Day-of-month', 'Month', 'Day-of-week', 'Year'];

/** `rate(value unit)`: fires every interval, counted from when the schedule started. */
export interface RateExpression {
  readonly kind: 'rate';
  readonly text: string;
  readonly intervalMs: number;
}

/** `cron(...)` in UTC, with each field's allowed values ascending. */
export interface CronExpression {
  readonly kind: 'cron';
  readonly text: string;
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly day: DayRule;
  readonly months: ReadonlySet<number>;
  readonly years: readonly number[];
}

export type ScheduleExpression = RateExpression | CronExpression;

/**
 * Reads an EventBridge schedule expression, refusing what EventBridge refuses: `rate(5 minutes)`,
 * `rate(1 hour)`, `cron(0/15 8-17 ? * MON-FRI *)`, `cron(0 12 ? * 6L *)`, `cron(0 0 L * ? *)`.
 *
 * @throws ScheduleExpressionError quoting the expression and naming the field and the problem.
 */
export function parseScheduleExpression(text: string): ScheduleExpression {
  const shape = /^(rate|cron)\((.*)\)$/.exec(text.trim());
  if (!shape) {
    throw new ScheduleExpressionError(
      text,
      undefined,
      `expected rate(value unit) or cron(${CRON_FIELDS.join(' ')})`,
    );
  }
  const body = shape[2]?.trim() ?? '';
  return shape[1] === 'rate' ? parseRate(text, body) : parseCron(text, body);
}

function parseRate(text: string, body: string): RateExpression {
  const parts = body.split(/\s+/);
  const [value = '', unit = ''] = parts;
  const fail = (field: string | undefined, problem: string): never => {
    throw new ScheduleExpressionError(text, field, problem);
  };
  if (parts.length !== 2) fail(undefined, 'expected rate(value unit), e.g. rate(5 minutes)');
  const count = /^\d+$/.test(value) ? Number(value) : 0;
  if (count < 1) fail('value', `'${value}' is not a positive whole number`);
  const singular = unit.endsWith('s') ? unit.slice(0, -1) : unit;
  const unitMs = UNIT_MS.get(singular);
  if (unitMs === undefined) {
    return fail('unit', `'${unit}' is not one of minute, minutes, hour, hours, day, days`);
  }
  // EventBridge insists on the singular for 1 and the plural above.
  if (count === 1 && unit !== singular) fail('unit', `write '${singular}' for a value of 1`);
  if (count > 1 && unit === singular) fail('unit', `write '${unit}s' for a value of ${value}`);
  const intervalMs = count * unitMs;
  if (!Number.isSafeInteger(intervalMs)) fail('value', `${value} ${unit} is too long`);
  return { kind: 'rate', text, intervalMs };
}

function parseCron(text: string, body: string): CronExpression {
  const fields = body === '' ? [] : body.split(/\s+/);
  if (fields.length !== 6) {
    const problem = `expected 6 fields (${CRON_FIELDS.join(' ')}), got ${fields.length}`;
    throw new ScheduleExpressionError(text, undefined, problem);
  }
  const [minutes = '', hours = '', dayOfMonth = '', month = '', dayOfWeek = '', year = ''] = fields;
  return {
    kind: 'cron',
    text,
    minutes: parseFieldValues(minutes, MINUTES, text),
    hours: parseFieldValues(hours, HOURS, text),
    day: parseDayFields(dayOfMonth, dayOfWeek, text),
    months: new Set(parseFieldValues(month, MONTH, text)),
    years: parseFieldValues(year, YEAR, text),
  };
}

/**
 * The first time strictly after `afterMs` (epoch ms, UTC) that the schedule fires, or undefined
 * when it never fires again (a cron Year list that has ended). Cron times are whole minutes.
 * A rate fires at anchorMs + k × interval for k ≥ 1, where anchorMs is when its schedule
 * started (EventBridge counts from the rule's creation), so a rate needs the anchor.
 */
export function nextFireTime(expr: CronExpression, afterMs: number): number | undefined;
export function nextFireTime(
  expr: ScheduleExpression,
  afterMs: number,
  anchorMs: number,
): number | undefined;
export function nextFireTime(
  expr: ScheduleExpression,
  afterMs: number,
  anchorMs?: number,
): number | undefined {
  if (expr.kind === 'cron') return nextCronTime(expr, afterMs);
  if (anchorMs === undefined) {
    throw new TypeError(`${expr.text}: a rate needs the time its schedule started (anchorMs)`);
  }
  const intervals = Math.max(1, Math.floor((afterMs - anchorMs) / expr.intervalMs) + 1);
  return anchorMs + intervals * expr.intervalMs;
}

// Steps a day at a time (skipping whole months and years that cannot match), then picks the
// first allowed hour and minute of the matching day: at most a few hundred steps a year.
function nextCronTime(expr: CronExpression, afterMs: number): number | undefined {
  const first = new Date((Math.floor(afterMs / MINUTE_MS) + 1) * MINUTE_MS);
  let year = first.getUTCFullYear();
  let month = first.getUTCMonth() + 1;
  let day = first.getUTCDate();
  let fromMinute = first.getUTCHours() * 60 + first.getUTCMinutes();
  for (;;) {
    const allowedYear = expr.years.find((y) => y >= year);
    if (allowedYear === undefined) return undefined;
    if (allowedYear !== year) {
      [year, month, day, fromMinute] = [allowedYear, 1, 1, 0];
    } else if (!expr.months.has(month) || day > daysInMonth(year, month)) {
      [month, day, fromMinute] = [month + 1, 1, 0];
      if (month > 12) [year, month] = [year + 1, 1];
    } else {
      if (dayMatches(expr.day, year, month, day)) {
        const minuteOfDay = firstMinuteOfDay(expr, fromMinute);
        if (minuteOfDay !== undefined) {
          return Date.UTC(year, month - 1, day) + minuteOfDay * MINUTE_MS;
        }
      }
      [day, fromMinute] = [day + 1, 0];
    }
  }
}

/** The first allowed minute of a day at or after `from` (minutes since midnight). */
function firstMinuteOfDay(expr: CronExpression, from: number): number | undefined {
  const fromHour = Math.floor(from / 60);
  for (const hour of expr.hours) {
    if (hour < fromHour) continue;
    const earliest = hour === fromHour ? from % 60 : 0;
    const minute = expr.minutes.find((m) => m >= earliest);
    if (minute !== undefined) return hour * 60 + minute;
  }
  return undefined;
}
