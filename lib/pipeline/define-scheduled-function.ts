import type { Context, ScheduledEvent } from 'aws-lambda';
import { parseScheduleExpression } from '../schedule-expression/schedule-expression.ts';

/** A function to run on an EventBridge schedule expression, as a scheduled rule would. */
export interface ScheduledJob {
  /** The function name in the context, and the rule name in the event. */
  readonly name: string;
  /** `rate(...)` or `cron(...)`, as in the deployed rule. */
  readonly schedule: string;
  readonly handler: (event: ScheduledEvent, context: Context) => Promise<unknown>;
}

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
