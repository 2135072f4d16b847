import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { createLocalContext } from '../lambda-context.ts';
import { InvocationTimeoutError } from './errors.ts';
import type { EventRecord } from './event-record.ts';
import { type InvocationOutcome, outcomeOf } from './failure-policy.ts';

/** A Kinesis-triggered function as Lambda calls it. */
export type KinesisFunction = (event: KinesisStreamEvent, context: Context) => Promise<unknown>;

/**
 * Calls the function in-process with the batch. An invocation past the timeout counts as an
 * error, as on Lambda; unlike Lambda, the handler cannot be frozen, so it finishes in the
 * background (the exactly-once protocol makes that harmless for cassflow's handlers).
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
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InvocationTimeoutError(options.timeoutSeconds)), timeoutMs);
  });
  try {
    const response = await Promise.race([
      fn(event, createLocalContext(options.functionName, timeoutMs, { region: options.region })),
      timeout,
    ]);
    return outcomeOf(response, records, options.reportBatchItemFailures);
  } catch (error) {
    return { kind: 'error', error: error instanceof Error ? error : new Error(String(error)) };
  } finally {
    clearTimeout(timer);
  }
}
