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
  const { running, stop } = start(fn, event, timeoutMs, options);
  running.catch(() => {}); // a stopped invocation's own end is not news
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      stop().then(
        () => reject(new InvocationTimeoutError(options.timeoutSeconds)),
        () => reject(new InvocationTimeoutError(options.timeoutSeconds)),
      );
    }, timeoutMs);
  });
  try {
    const response = await Promise.race([running, timeout]);
    return outcomeOf(response, records, options.reportBatchItemFailures);
  } catch (error) {
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
): { running: Promise<unknown>; stop(): Promise<void> } {
  if (fn instanceof IsolatedFunction) {
    const call = fn.invoke(event, timeoutMs);
    return { running: call.result, stop: call.stop };
  }
  const scope: InvocationScope = { stopped: false };
  const context = createLocalContext(options.functionName, timeoutMs, { region: options.region });
  return {
    running: runInvocation(scope, () => fn(event, context)),
    stop: async () => {
      scope.stopped = true;
    },
  };
}
