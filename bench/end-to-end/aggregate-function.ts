import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisFunction } from '#lib/emulator/event-source/invoke';
import { createAggregateHandler } from '#lib/lambda/aggregate-handler';
import { kinesisShardSourceOf } from '#lib/lambda/kinesis-shard-source';
import type { Pipeline } from '#lib/pipeline/spec';
import type { CassandraSession } from '#lib/store/session';

/** What the handler reported over a step, summed over its batches. */
export type HandlerTotals = {
  records: number;
  late: number;
  deadLettered: number;
  windowsClosed: number;
  casRetries: number;
  closerErrors: number;
};

/**
 * The pipeline's real Lambda handler, as the local runtime builds it (the stream's shards listed
 * through `kinesis`), with quiet Powertools logging, and its batch figures summed into `totals`.
 */
export function aggregateFunction(
  pipeline: Pipeline,
  session: CassandraSession,
  kinesis: KinesisClient,
  stream: string,
): { fn: KinesisFunction; totals: HandlerTotals } {
  const totals: HandlerTotals = {
    records: 0,
    late: 0,
    deadLettered: 0,
    windowsClosed: 0,
    casRetries: 0,
    closerErrors: 0,
  };
  const fn = createAggregateHandler(pipeline, {
    session: () => session,
    logger: new Logger({ serviceName: 'cassflow-bench', logLevel: 'ERROR' }),
    metrics: new Metrics({ namespace: 'cassflow-bench', serviceName: pipeline.name }),
    shards: kinesisShardSourceOf(kinesis, stream),
    onBatch: (result) => {
      totals.records += result.records;
      totals.late += result.late;
      totals.deadLettered += result.deadLettered;
      totals.windowsClosed += result.closer?.finalized ?? 0;
      totals.casRetries += result.casRetries;
      if (result.closerError) totals.closerErrors += 1;
    },
  });
  return { fn, totals };
}
