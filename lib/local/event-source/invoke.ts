import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { type InvocationScope, runInvocation } from '../invocation-scope.ts';
import { createLocalContext } from '../lambda-context.ts';
import { InvocationTimeoutError } from './errors.ts';
import type { EventRecord } from './event-record.ts';
import { type InvocationOutcome, outcomeOf } from './failure-policy.ts';

/** A Kinesis-triggered function as Lambda calls it. */
export type KinesisFunction = (event: KinesisStreamEvent, context: Context) => Promise<unknown>;

/**
 * Calls the function in-process with the batch, as one invocation (invocation-scope.ts). An
 * invocation past the timeout counts as an error, as on Lambda, and is stopped: the handler
 * cannot be frozen, but every request it makes after that is refused (guarded-client.ts).
 */
export async function invoke(
  fn: KinesisFunction,
  records: readonly EventRecord[],
  options: {
    functionName: string;
    region: string;
    timeoutSeconds: number;
    reportBatchItemFailures: boolean;
  },
): Promise<InvocationOutcome> {
  const timeoutMs = options.timeoutSeconds * 1000;
  const event: KinesisStreamEvent = { Records: records.map((r) => r.lambda) };
  let timer: NodeJS.Timeout | undefined;
  const scope: InvocationScope = { stopped: false };
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      scope.stopped = true;
      reject(new InvocationTimeoutError(options.timeoutSeconds));
    }, timeoutMs);
  });
  const context = createLocalContext(options.functionName, timeoutMs, { region: options.region });
  const running = runInvocation(scope, () => fn(event, context));
  running.catch(() => {}); // a stopped invocation's own end is not news
  try {
    const response = await Promise.race([running, timeout]);
    return outcomeOf(response, records, options.reportBatchItemFailures);
  } catch (error) {
    return { kind: 'error', error: error instanceof Error ? error : new Error(String(error)) };
  } finally {
    clearTimeout(timer);
  }
}
