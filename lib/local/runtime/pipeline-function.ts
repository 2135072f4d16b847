import type { KinesisConfig } from '../../config/config.ts';
import { createAggregateHandler } from '../../lambda/aggregate-handler.ts';
import { kinesisShardLister } from '../../lambda/list-stream-shards.ts';
import { createSinkHandler } from '../../lambda/sink-handler.ts';
import type { AnyPipeline } from '../../pipeline/any-pipeline.ts';
import type { CassandraSession } from '../../store/session.ts';
import type { KinesisFunction } from '../event-source/invoke.ts';
import { localObservability } from './local-observability.ts';

/** Batch figures the runtime reports (both handler kinds count records in and dead letters). */
export type FunctionFigures = { records: number; deadLettered: number; late: number };

/**
 * The same handler Lambda runs for the pipeline (aggregation or sink), observed locally.
 */
export function pipelineFunction(
  pipeline: AnyPipeline,
  session: CassandraSession,
  kinesis: KinesisConfig,
  options: { logLevel: string; onBatch: (figures: FunctionFigures) => void },
): KinesisFunction {
  const { logger, metrics } = localObservability(pipeline.name, options.logLevel);
  if (pipeline.kind === 'aggregation') {
    return createAggregateHandler(pipeline, {
      session: () => session,
      logger,
      metrics,
      listShards: kinesisShardLister(kinesis),
      onBatch: (r) =>
        options.onBatch({ records: r.records, deadLettered: r.deadLettered, late: r.late }),
    });
  }
  return createSinkHandler(pipeline, {
    session: () => session,
    logger,
    metrics,
    onBatch: (r) => options.onBatch({ records: r.records, deadLettered: r.deadLettered, late: 0 }),
  });
}
