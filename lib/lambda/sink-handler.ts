import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamEvent } from 'aws-lambda';
import type { SinkPipeline } from '../pipeline/sink-spec.ts';
import {
  processSinkBatch,
  type SinkBatchResult,
  type SinkPorts,
} from '../sink/process-sink-batch.ts';
import { CqlDeadLetters } from '../store/dead-letters.ts';
import type { CassandraSession } from '../store/session.ts';
import { CqlSinkTable } from '../store/sink-table.ts';
import { fromKinesisEventRecord } from './kinesis-event.ts';
import { batchResponse, kinesisHandler, type Observability, observability } from './powertools.ts';

export type SinkHandlerOptions = Observability & {
  /** The Cassandra session; created once per container and reused across invocations. */
  session: () => CassandraSession;
  /** Inserts in flight at once (default 32). */
  concurrency?: number;
  /** Wraps the ports (fault injection in tests). */
  wrapPorts?: (ports: SinkPorts) => SinkPorts;
  onBatch?: (result: SinkBatchResult) => void;
};

/**
 * The Kinesis-triggered plain sink (Flink's CassandraSink): each record becomes an idempotent
 * upsert into the pipeline's table; bad records become dead letters; a failed insert makes Lambda
 * resume at the lowest record not written.
 */
export function createSinkHandler(pipeline: SinkPipeline, options: SinkHandlerOptions) {
  const { logger, metrics } = observability(pipeline.name, options);
  let ports: SinkPorts | undefined;

  const handle = async (event: KinesisStreamEvent) => {
    if (!ports) {
      const session = options.session();
      const deadLetters = new CqlDeadLetters(session, pipeline.deadLetters);
      const base: SinkPorts = {
        table: new CqlSinkTable(session, pipeline),
        deadLetters: (source, rejected) => deadLetters.write(source, rejected),
      };
      ports = options.wrapPorts ? options.wrapPorts(base) : base;
    }
    const result = await processSinkBatch(
      pipeline,
      event.Records.map(fromKinesisEventRecord),
      ports,
      options.concurrency ?? 32,
    );
    metrics.addMetric('RecordsIn', MetricUnit.Count, result.records);
    metrics.addMetric('RowsWritten', MetricUnit.Count, result.written);
    metrics.addMetric('DeadLettered', MetricUnit.Count, result.deadLettered);
    metrics.addMetric('RowsFailed', MetricUnit.Count, result.rowsFailed);
    options.onBatch?.(result);
    const { failedAt, ...figures } = result;
    logger.info('batch', {
      ...figures,
      failedAt: failedAt ? String(failedAt.sequenceNumber) : undefined,
    });
    return batchResponse(failedAt);
  };

  return kinesisHandler(handle, { logger, metrics });
}
