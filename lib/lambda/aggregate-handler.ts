import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { cqlPorts, DEFAULT_ENGINE_SETTINGS, HOLD_MARGIN_MS } from '../engine/cql-ports.ts';
import type { EnginePorts, EngineSettings } from '../engine/ports.ts';
import { type BatchResult, processBatch } from '../engine/process-batch.ts';
import type { Pipeline } from '../pipeline/spec.ts';
import type { CassandraSession } from '../store/session.ts';
import { fromKinesisEventRecord } from './kinesis-event.ts';
import { batchResponse, kinesisHandler, type Observability, observability } from './powertools.ts';

export type AggregateHandlerOptions = Observability & {
  /** The Cassandra session; created once per container and reused across invocations. */
  session: () => CassandraSession;
  settings?: Partial<EngineSettings>;
  /**
   * The stream's shards, so that shards which have not reported yet hold the watermark back
   * (otherwise the first shard to report could close windows the others still feed).
   */
  listShards?: (streamArn: string) => Promise<string[]>;
  /** Wraps the Cassandra ports (fault injection in tests, instrumentation). */
  wrapPorts?: (ports: EnginePorts) => EnginePorts;
  /** Sees every batch's figures (the local runtime and tests use it). */
  onBatch?: (result: BatchResult) => void;
};

function record(metrics: Metrics, result: BatchResult, now: number): void {
  metrics.addMetric('RecordsIn', MetricUnit.Count, result.records);
  metrics.addMetric('RowsWritten', MetricUnit.Count, result.conditionalWrites - result.casRetries);
  metrics.addMetric('CasRetries', MetricUnit.Count, result.casRetries);
  metrics.addMetric('LateEvents', MetricUnit.Count, result.late);
  metrics.addMetric('DeadLettered', MetricUnit.Count, result.deadLettered);
  metrics.addMetric('RowsFailed', MetricUnit.Count, result.rowsFailed);
  if (Number.isFinite(result.watermark)) {
    metrics.addMetric('WatermarkLag', MetricUnit.Milliseconds, now - result.watermark);
  }
}

/**
 * The Kinesis-triggered aggregation handler of one pipeline: folds each batch into its window
 * rows exactly once and answers with a partial batch response (the lowest record whose row did
 * not apply, or nothing), so Lambda retries from there and no further.
 */
export function createAggregateHandler(pipeline: Pipeline, options: AggregateHandlerOptions) {
  const { logger, metrics } = observability(pipeline.name, options);
  const settings = { ...DEFAULT_ENGINE_SETTINGS, ...options.settings };
  let ports: EnginePorts | undefined;
  const registered = new Set<string>();

  const handle = async (
    event: KinesisStreamEvent,
    context?: Context,
  ): Promise<KinesisStreamBatchResponse> => {
    if (!ports) {
      const base = cqlPorts(options.session(), pipeline);
      ports = options.wrapPorts ? options.wrapPorts(base) : base;
    }
    const arn = event.Records[0]?.eventSourceARN;
    if (arn && options.listShards && !registered.has(arn)) {
      await ports.watermarks.registerShards(await options.listShards(arn), settings.now());
      registered.add(arn);
    }
    const remaining = context?.getRemainingTimeInMillis();
    const result = await processBatch(
      pipeline,
      event.Records.map(fromKinesisEventRecord),
      ports,
      remaining === undefined || options.settings?.holdMs !== undefined
        ? settings
        : { ...settings, holdMs: remaining + HOLD_MARGIN_MS },
    );
    record(metrics, result, settings.now());
    options.onBatch?.(result);
    const { failedAt, closerError, ...figures } = result;
    if (closerError)
      logger.warn('closing due windows failed; the next batch retries', {
        error: closerError as Error,
      });
    logger.info('batch', {
      ...figures,
      closer: result.closer,
      failedAt: failedAt ? String(failedAt.sequenceNumber) : undefined,
    });
    return batchResponse(failedAt);
  };

  return kinesisHandler(handle, { logger, metrics });
}
