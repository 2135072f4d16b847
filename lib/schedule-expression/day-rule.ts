/**
 * Which days of a month a cron expression fires on. EventBridge lets exactly one of
 * Day-of-month and Day-of-week choose them (the other is `?`), so one rule covers both.
 * Months are 1-12 and weekdays 1-7 with 1 = Sunday, as in EventBridge.
 */
export type DayRule =
  /** Day-of-month as a list of days, e.g. `1,15` or `*`. */
  | { readonly kind: 'monthDays'; readonly days: ReadonlySet<number> }
  /** Day-of-month `L`. */
  | { readonly kind: 'lastDayOfMonth' }
  /** Day-of-month `15W`: the Monday-Friday nearest the 15th, without leaving the month. */
  | { readonly kind: 'nearestWeekday'; readonly day: number }
  /** Day-of-week as a list of weekdays, e.g. `MON-FRI`. */
  | { readonly kind: 'weekdays'; readonly weekdays: ReadonlySet<number> }
  /** Day-of-week `6L`: the last Friday of the month. */
  | { readonly kind: 'lastWeekday'; readonly weekday: number }
  /** Day-of-week `3#2`: the second Tuesday of the month. */
  | { readonly kind: 'nthWeekday'; readonly weekday: number; readonly nth: number };

/** Days in a month of a year (UTC calendar). */
export function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The weekday of a date, 1 = Sunday ... 7 = Saturday. */
export function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

/**
 * The Monday-Friday nearest to `day` within its month: a Saturday moves back to Friday and a
 * Sunday on to Monday, unless that would leave the month (then it goes the other way).
 * Undefined when the month is too short to have that day.
 */
export function nearestWeekday(year: number, month: number, day: number): number | undefined {
  const last = daysInMonth(year, month);
  if (day > last) return undefined;
  const weekday = weekdayOf(year, month, day);
  if (weekday === 7) return day > 1 ? day - 1 : day + 2;
  if (weekday === 1) return day < last ? day + 1 : day - 2;
  return day;
}

/** Whether the rule fires on that date. */
export function dayMatches(rule: DayRule, year: number, month: number, day: number): boolean {
  switch (rule.kind) {
    case 'monthDays':
      return rule.days.has(day);
    case 'lastDayOfMonth':
      return day === daysInMonth(year, month);
    case 'nearestWeekday':
      return day === nearestWeekday(year, month, rule.day);
    case 'weekdays':
      return rule.weekdays.has(weekdayOf(year, month, day));
    case 'lastWeekday':
      return weekdayOf(year, month, day) === rule.weekday && day + 7 > daysInMonth(year, month);
    case 'nthWeekday':
      return weekdayOf(year, month, day) === rule.weekday && Math.ceil(day / 7) === rule.nth;
  }
}
