/**
 * How cassflow's functions read their stream, locally (the event-source emulator) and on AWS (the
 * CDK stack's event-source mapping): the defaults well-run Kinesis consumers use (AWS Solutions
 * Constructs), and large batches, since the aggregation handler does its work per key, not per
 * record.
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
} as const;

/** A pipeline kind with a parallelization factor its handler cannot take. */
export class ParallelizationError extends Error {
  constructor(pipeline: string, factor: number) {
    super(
      `pipeline ${pipeline}: a parallelization factor of ${factor} is not allowed for an ` +
        'aggregation: its exactly-once protocol fences each shard by sequence number, which ' +
        'needs one batch per shard at a time (use more shards instead); sinks may use 1 to 10',
    );
    this.name = 'ParallelizationError';
  }
}

/**
 * The rule: an aggregation reads each shard one batch at a time (factor 1). A plain
 * sink may take Lambda's full 1 to 10: Lambda keeps each partition key in order, so its rows stay
 * in order as long as the partition key decides the row (as it should for a sink).
 */
export function checkParallelization(
  pipeline: { name: string; kind: 'aggregation' | 'sink' },
  factor: number,
): void {
  const ok =
    pipeline.kind === 'aggregation'
      ? factor === 1
      : Number.isInteger(factor) && factor >= 1 && factor <= 10;
  if (!ok) throw new ParallelizationError(pipeline.name, factor);
}
