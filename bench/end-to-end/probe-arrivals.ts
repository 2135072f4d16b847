import type { KinesisStreamEvent } from 'aws-lambda';
import type { ProbeSent } from './load.ts';

/**
 * Notes, by key, when each probe (a record whose partition key starts with `prefix`) first
 * reached a function: a retried batch brings it again, and the first time is its delivery.
 */
export function noteProbeArrivals(
  event: KinesisStreamEvent,
  prefix: string,
  arrivedAt: Map<string, number>,
  now: number,
): void {
  for (const record of event.Records) {
    const key = record.kinesis.partitionKey;
    if (key.startsWith(prefix) && !arrivedAt.has(key)) arrivedAt.set(key, now);
  }
}

/** Each arrived probe's delivery latency: its first arrival minus its PutRecords returning. */
export function deliveryLatencies(
  probes: readonly ProbeSent[],
  arrivedAt: ReadonlyMap<string, number>,
): number[] {
  return probes.flatMap((p) => {
    const at = arrivedAt.get(p.key);
    return at === undefined ? [] : [at - p.putReturnedAt];
  });
}
