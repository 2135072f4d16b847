import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { InvocationTimeoutError } from './errors.ts';
import type { EventRecord } from './event-record.ts';
import { type InvocationOutcome, outcomeOf } from './failure-policy.ts';

/** A Kinesis-triggered function as Lambda calls it. */
export type KinesisFunction = (event: KinesisStreamEvent, context: Context) => Promise<unknown>;

/** A Lambda-like context whose remaining time counts down from the function's timeout. */
export function invocationContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'cassflow-local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Calls the function in-process with the batch. An invocation past the timeout counts as an
 * error, as on Lambda; unlike Lambda, the handler cannot be frozen, so it finishes in the
 * background (the exactly-once protocol makes that harmless for cassflow's handlers).
 */
export async function invoke(
  fn: KinesisFunction,
  records: readonly EventRecord[],
  options: { functionName: string; timeoutSeconds: number; reportBatchItemFailures: boolean },
): Promise<InvocationOutcome> {
  const timeoutMs = options.timeoutSeconds * 1000;
  const event: KinesisStreamEvent = { Records: records.map((r) => r.lambda) };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InvocationTimeoutError(options.timeoutSeconds)), timeoutMs);
  });
  try {
    const response = await Promise.race([
      fn(event, invocationContext(options.functionName, timeoutMs)),
      timeout,
    ]);
    return outcomeOf(response, records, options.reportBatchItemFailures);
  } catch (error) {
    return { kind: 'error', error: error instanceof Error ? error : new Error(String(error)) };
  } finally {
    clearTimeout(timer);
  }
}
