import { parseScheduleExpression } from '../../schedule/schedule-expression.ts';
import type { ScheduledJob } from './scheduler.ts';

/** A function a pipeline file declares to run on a schedule (an EventBridge rule on AWS). */
export type ScheduledFunction = ScheduledJob & { readonly kind: 'scheduled' };

/**
 * Declares a scheduled function; `cassflow run` runs it on its schedule next to the file's
 * pipelines. The schedule is checked here, so a typo fails when the file loads.
 *
 * @example
 * export const report = defineScheduledFunction({
 *   name: 'hourly-report',
 *   schedule: 'cron(0 * * * ? *)',
 *   handler: async (event) => console.log('report for', event.time),
 * });
 */
export function defineScheduledFunction(job: ScheduledJob): ScheduledFunction {
  parseScheduleExpression(job.schedule);
  return Object.freeze({ ...job, kind: 'scheduled' as const });
}

export function isScheduledFunction(value: unknown): value is ScheduledFunction {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'scheduled' &&
    typeof (value as { handler?: unknown }).handler === 'function'
  );
}
