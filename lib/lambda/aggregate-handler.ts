import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  ScheduledEvent,
} from 'aws-lambda';
import { cqlPorts, DEFAULT_ENGINE_SETTINGS } from '../engine/cql-ports.ts';
import { registerShards } from '../engine/own-shard.ts';
import type { EnginePorts, EngineSettings, ShardSource } from '../engine/ports.ts';
import { type BatchResult, processBatch } from '../engine/process-batch.ts';
import { runTick, type TickResult } from '../engine/tick.ts';
import type { Pipeline } from '../pipeline/spec.ts';
import type { CassandraSession } from '../store/session.ts';
import { fromKinesisEventRecord } from './kinesis-event.ts';
import { openShardIds } from './kinesis-shard-source.ts';
import {
  batchResponse,
  kinesisHandler,
  type Observability,
  observability,
  scheduledHandler,
} from './powertools.ts';

export type AggregateHandlerOptions = Observability & {
  /** The Cassandra session; created once per container and reused across invocations. */
  session: () => CassandraSession;
  settings?: Partial<EngineSettings>;
  /** What the container's remembered rows may take (engine/row-cache.ts); 64 MiB by default. */
  rowCacheBytes?: number;
  /**
   * The pipeline's stream: its shards (a container's first batch registers the open ones, so
   * shards that have not reported yet hold the watermark back) and what is left to read on them
   * (the tick's idle check).
   */
  shards?: ShardSource;
  /** Wraps the Cassandra ports (fault injection in tests, instrumentation). */
  wrapPorts?: (ports: EnginePorts) => EnginePorts;
  /** Sees every batch's figures (the local runtime and tests use it). */
  onBatch?: (result: BatchResult) => void;
  /** Sees every tick's figures. */
  onTick?: (result: TickResult) => void;
};

function record(metrics: Metrics, result: BatchResult, now: number): void {
  metrics.addMetric('RecordsIn', MetricUnit.Count, result.records);
  const writes = result.conditionalWrites + (result.plainWrites ?? 0);
  metrics.addMetric('RowsWritten', MetricUnit.Count, writes - result.casRetries);
  metrics.addMetric('CasRetries', MetricUnit.Count, result.casRetries);
  metrics.addMetric('LateEvents', MetricUnit.Count, result.late);
  metrics.addMetric('DeadLettered', MetricUnit.Count, result.deadLettered);
  metrics.addMetric('Filtered', MetricUnit.Count, result.filtered);
  metrics.addMetric('RowsFailed', MetricUnit.Count, result.rowsFailed);
  if (Number.isFinite(result.watermark)) {
    metrics.addMetric('WatermarkLag', MetricUnit.Milliseconds, now - result.watermark);
  }
}

/**
 * The handler of one aggregation pipeline, for both its triggers:
 * - a Kinesis batch: folded into its window rows exactly once, answered with a partial batch
 *   response (the lowest record whose row did not apply, or nothing), so Lambda retries from
 *   there and no further;
 * - the tick (an EventBridge schedule): shard registration, the idle check, and closing due
 *   windows whether or not records arrive.
 */
export function createAggregateHandler(pipeline: Pipeline, options: AggregateHandlerOptions) {
  const { logger, metrics } = observability(pipeline.name, options);
  const settings = { ...DEFAULT_ENGINE_SETTINGS, ...options.settings };
  let ports: EnginePorts | undefined;
  let registered = false;
  const portsOf = () => {
    if (!ports) {
      const base = cqlPorts(options.session(), pipeline, options.rowCacheBytes);
      ports = options.wrapPorts ? options.wrapPorts(base) : base;
    }
    return ports;
  };

  const handleBatch = async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const ports = portsOf();
    if (options.shards && !registered) {
      await registerShards(await openShardIds(options.shards)(), ports, settings);
      registered = true;
    }
    const result = await processBatch(
      pipeline,
      event.Records.map(fromKinesisEventRecord),
      ports,
      settings,
    );
    record(metrics, result, settings.now());
    options.onBatch?.(result);
    const { failedAt, closerError, ...figures } = result;
    if (closerError)
      logger.warn('closing due windows failed; the next batch or tick retries', {
        error: closerError as Error,
      });
    logger.info('batch', {
      ...figures,
      closer: result.closer,
      failedAt: failedAt ? String(failedAt.sequenceNumber) : undefined,
    });
    return batchResponse(failedAt);
  };

  const handleTick = async (): Promise<TickResult> => {
    if (!options.shards) throw new Error(`the tick of ${pipeline.name} needs the stream's shards`);
    const result = await runTick(pipeline, portsOf(), options.shards, settings);
    metrics.addMetric('WindowsFinalized', MetricUnit.Count, result.closer.finalized);
    metrics.addMetric('IdleShards', MetricUnit.Count, result.idled.length);
    options.onTick?.(result);
    logger.info('tick', { ...result });
    return result;
  };

  const batch = kinesisHandler(handleBatch, { logger, metrics });
  const tick = scheduledHandler(handleTick, { logger, metrics });
  return (event: KinesisStreamEvent | ScheduledEvent, context: Context) =>
    'Records' in event ? batch(event, context) : tick(event, context);
}
