import type { EventSourceSettingsInput } from '../event-source/settings.ts';

/**
 * How cassflow's functions read their stream, locally and (with the CDK stack) on AWS: the
 * defaults well-run Kinesis consumers use (AWS Solutions Constructs), and large batches, since
 * the aggregation handler does its work per key, not per record.
 * - The parallelization factor stays 1: the aggregation protocol fences each shard's records by
 *   sequence number, which needs one batch per shard at a time.
 */
export const CASSFLOW_EVENT_SOURCE = {
  startingPosition: 'TRIM_HORIZON',
  batchSize: 1000,
  maxBatchingWindowSeconds: 1,
  bisectBatchOnError: true,
  retryAttempts: 10,
  maxRecordAgeSeconds: 86_400,
  parallelizationFactor: 1,
  reportBatchItemFailures: true,
  timeoutSeconds: 60,
} as const satisfies EventSourceSettingsInput;
