import type { KinesisConfig } from '../../config/config.ts';
import { createAggregateHandler } from '../../lambda/aggregate-handler.ts';
import { kinesisShardSource } from '../../lambda/kinesis-shard-source.ts';
import { createSinkHandler } from '../../lambda/sink-handler.ts';
import type { AnyPipeline } from '../../pipeline/any-pipeline.ts';
import type { ScheduledJob } from '../../pipeline/define-scheduled-function.ts';
import type { CassandraSession } from '../../store/session.ts';
import type { KinesisFunction } from '../event-source/invoke.ts';
import type { EmfLine } from '../metrics/emf-points.ts';
import { localObservability } from './local-observability.ts';

/** Batch figures the runtime reports (both handler kinds count records in and dead letters). */
export type FunctionFigures = {
  records: number;
  deadLettered: number;
  filtered: number;
  late: number;
};

/** A pipeline's function as the runtime calls it: on batches, and (aggregation) on its tick. */
export type PipelineFunction = {
  batch: KinesisFunction;
  tick?: ScheduledJob['handler'];
};

/**
 * The same handler Lambda runs for the pipeline (aggregation or sink), observed locally.
 */
export function pipelineFunction(
  pipeline: AnyPipeline,
  session: CassandraSession,
  kinesis: KinesisConfig,
  options: {
    logLevel: string;
    onBatch: (figures: FunctionFigures) => void;
    /** Each invocation's metrics, as the EMF line Lambda would print. */
    onMetrics?: (line: EmfLine) => void;
  },
): PipelineFunction {
  const { logger, metrics } = localObservability(
    pipeline.name,
    options.logLevel,
    options.onMetrics,
  );
  if (pipeline.kind === 'aggregation') {
    const handler = createAggregateHandler(pipeline, {
      session: () => session,
      logger,
      metrics,
      shards: kinesisShardSource(kinesis, pipeline.stream),
      onBatch: (r) =>
        options.onBatch({
          records: r.records,
          deadLettered: r.deadLettered,
          filtered: r.filtered,
          late: r.late,
        }),
    });
    return { batch: handler, tick: handler };
  }
  return {
    batch: createSinkHandler(pipeline, {
      session: () => session,
      logger,
      metrics,
      onBatch: (r) =>
        options.onBatch({
          records: r.records,
          deadLettered: r.deadLettered,
          filtered: 0,
          late: 0,
        }),
    }),
  };
}
