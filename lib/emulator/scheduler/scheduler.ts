import { randomUUID } from 'node:crypto';
import type { Context, ScheduledEvent } from 'aws-lambda';
import type { ScheduledJob } from '../../pipeline/define-scheduled-function.ts';
import { DuplicateJobError } from '../../schedule-expression/errors.ts';
import {
  nextFireTime,
  parseScheduleExpression,
  type ScheduleExpression,
} from '../../schedule-expression/schedule-expression.ts';
import { createLocalContext } from '../lambda-context.ts';

const ACCOUNT = '000000000000';
// setTimeout holds at most 2^31 - 1 ms (about 24.8 days): longer waits are made of several.
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface SchedulerOptions {
  /** Receives one line per start, end, failure and skipped run; console.log by default. */
  readonly log?: (line: string) => void;
  /** us-east-1 by default. */
  readonly region?: string;
  /** The Lambda timeout the context counts down from; 900 000 ms (15 minutes) by default. */
  readonly timeoutMs?: number;
  /** The clock and timers, to be replaced in tests. */
  readonly now?: () => number;
  readonly setTimer?: (callback: () => void, delayMs: number) => unknown;
  readonly clearTimer?: (timer: unknown) => void;
}

export interface RunningScheduler {
  /** Stops firing; resolves once the runs in flight have finished. */
  stop(): Promise<void>;
}

interface JobState {
  readonly job: ScheduledJob;
  readonly expr: ScheduleExpression;
  timer: unknown;
  running: Promise<void> | undefined;
}

/**
 * Runs each job's handler at the times its schedule expression gives, in UTC. Rates count from
 * now. A job never runs twice at once: a fire time that comes while its previous run is still
 * going is skipped and logged, as a function with reserved concurrency 1 would drop it, rather
 * than queued (a slow run would otherwise build an ever-growing backlog). Missed fire times
 * (the process was paused) are not made up either.
 *
 * @throws ScheduleExpressionError for an invalid schedule, DuplicateJobError for a reused
 *   name, before any job starts.
 */
export function startScheduler(
  jobs: readonly ScheduledJob[],
  options: SchedulerOptions = {},
): RunningScheduler {
  const log = options.log ?? ((line: string) => console.log(line));
  const now = options.now ?? (() => Date.now());
  const setTimer = options.setTimer ?? ((callback, delayMs) => setTimeout(callback, delayMs));
  const clearTimer =
    options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  const region = options.region ?? 'us-east-1';
  const timeoutMs = options.timeoutMs ?? 900_000;

  const states = jobStates(jobs);
  const anchorMs = now();
  let stopped = false;

  const schedule = (state: JobState, afterMs: number): number | undefined => {
    const at = nextFireTime(state.expr, afterMs, anchorMs);
    if (at === undefined) {
      log(`${state.job.name}: ${state.job.schedule} fires no more; the job is done`);
      return undefined;
    }
    waitFor(state, at);
    return at;
  };

  const waitFor = (state: JobState, at: number): void => {
    const delayMs = Math.min(Math.max(0, at - now()), MAX_TIMER_MS);
    state.timer = setTimer(() => {
      state.timer = undefined;
      if (stopped) return;
      if (now() < at) return waitFor(state, at);
      fire(state, at);
      schedule(state, Math.max(at, now()));
    }, delayMs);
  };

  const fire = (state: JobState, at: number): void => {
    const { name } = state.job;
    const due = isoSeconds(at);
    if (state.running) {
      log(`${name}: skipped the run due at ${due}: the previous run is still going`);
      return;
    }
    const context = createLocalContext(name, timeoutMs, { now, region });
    log(`${name}: start (due ${due}, request ${context.awsRequestId})`);
    const event = scheduledEvent(name, region, at);
    state.running = invoke(state.job, event, context).finally(() => {
      state.running = undefined;
    });
  };

  const invoke = async (job: ScheduledJob, event: ScheduledEvent, context: Context) => {
    const started = now();
    const took = () => {
      const ms = now() - started;
      const over =
        ms > timeoutMs ? ` (over the ${timeoutMs} ms timeout: Lambda would stop it)` : '';
      return `${ms} ms${over}`;
    };
    try {
      await job.handler(event, context);
      log(`${job.name}: end after ${took()}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`${job.name}: failed after ${took()}: ${message}`);
    }
  };

  for (const state of states) {
    const at = schedule(state, anchorMs);
    if (at !== undefined) {
      log(`${state.job.name}: ${state.job.schedule}, first run due ${isoSeconds(at)}`);
    }
  }

  return {
    async stop() {
      stopped = true;
      for (const state of states) {
        if (state.timer !== undefined) clearTimer(state.timer);
        state.timer = undefined;
      }
      await Promise.all(states.map((state) => state.running));
    },
  };
}

function jobStates(jobs: readonly ScheduledJob[]): JobState[] {
  const names = new Set<string>();
  return jobs.map((job) => {
    if (names.has(job.name)) throw new DuplicateJobError(job.name);
    names.add(job.name);
    const expr = parseScheduleExpression(job.schedule);
    return { job, expr, timer: undefined, running: undefined };
  });
}

/**
 * The event EventBridge sends for a scheduled rule named `ruleName` firing at `timeMs`.
 */
export function scheduledEvent(ruleName: string, region: string, timeMs: number): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT,
    time: isoSeconds(timeMs),
    region,
    resources: [`arn:aws:events:${region}:${ACCOUNT}:rule/${ruleName}`],
    detail: {},
  };
}

/** EventBridge writes times to the second: 2026-03-01T10:00:00Z. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
