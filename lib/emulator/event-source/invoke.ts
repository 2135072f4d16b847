import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { type InvocationScope, runInvocation } from '../invocation-scope.ts';
import { createLocalContext } from '../lambda-context.ts';
import { InvocationTimeoutError } from './errors.ts';
import type { EventRecord } from './event-record.ts';
import { type InvocationOutcome, outcomeOf } from './failure-policy.ts';
import { IsolatedFunction } from './isolated-function.ts';

/** A Kinesis-triggered function as Lambda calls it. */
export type KinesisFunction = (event: KinesisStreamEvent, context: Context) => Promise<unknown>;

/** What the event source invokes: a handler in this process, or one in its own environments. */
export type InvocableFunction = KinesisFunction | IsolatedFunction;

type InvokeOptions = {
  functionName: string;
  region: string;
  timeoutSeconds: number;
  reportBatchItemFailures: boolean;
};

/**
 * Calls the function with the batch, as one invocation. An invocation past the timeout counts as
 * an error, as on Lambda, and is stopped: an isolated function's environment is terminated; an
 * in-process handler cannot be, so every request it makes after that is refused
 * (invocation-scope.ts, guarded-client.ts).
 */
export async function invoke(
  fn: InvocableFunction,
  records: readonly EventRecord[],
  options: InvokeOptions,
): Promise<InvocationOutcome> {
  const timeoutMs = options.timeoutSeconds * 1000;
  const event: KinesisStreamEvent = { Records: records.map((r) => r.lambda) };
  const { ready, running, stop } = start(fn, event, timeoutMs, options);
  running.catch(() => {}); // a stopped invocation's own end is not news
  let timer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  try {
    await ready; // a cold start's init phase does not count against the timeout, as on Lambda
    // Timed out means timed out: decided when the timer fires, whatever answer comes after.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        stopping = stop();
        reject(new InvocationTimeoutError(options.timeoutSeconds));
      }, timeoutMs);
    });
    const response = await Promise.race([running, timeout]);
    return outcomeOf(response, records, options.reportBatchItemFailures);
  } catch (error) {
    await stopping?.catch(() => {}); // the environment is gone before the retry starts
    return { kind: 'error', error: error instanceof Error ? error : new Error(String(error)) };
  } finally {
    clearTimeout(timer);
  }
}

function start(
  fn: InvocableFunction,
  event: KinesisStreamEvent,
  timeoutMs: number,
  options: InvokeOptions,
): { ready: Promise<void>; running: Promise<unknown>; stop(): Promise<void> } {
  if (fn instanceof IsolatedFunction) {
    const call = fn.invoke(event, timeoutMs);
    return { ready: call.ready, running: call.result, stop: call.stop };
  }
  const scope: InvocationScope = { stopped: false };
  const context = createLocalContext(options.functionName, timeoutMs, { region: options.region });
  return {
    ready: Promise.resolve(),
    running: runInvocation(scope, () => fn(event, context)),
    stop: async () => {
      scope.stopped = true;
    },
  };
}
