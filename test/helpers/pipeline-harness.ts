import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamBatchResponse, ScheduledEvent } from 'aws-lambda';
import type { EnginePorts, ShardSource } from '#lib/engine/ports';
import type { BatchResult } from '#lib/engine/process-batch';
import type { TickResult } from '#lib/engine/tick';
import { createKinesisClient } from '#lib/kinesis/client';
import { ensureStream } from '#lib/kinesis/streams';
import { createAggregateHandler } from '#lib/lambda/aggregate-handler';
import { kinesisShardSource } from '#lib/lambda/kinesis-shard-source';
import type { Pipeline } from '#lib/pipeline/spec';
import { pipelineTables } from '#lib/store/pipeline-tables';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { storeSession } from './integration-config.ts';
import { kinesisEvent, type ShardRecord } from './kinesis-events.ts';
import { lambdaContext } from './lambda-context.ts';

function scheduledEvent(): ScheduledEvent {
  return {
    version: '0',
    id: 'tick',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: {},
  };
}

/** A pipeline's tables in the run's keyspace and its handler, called the way Lambda calls it. */
export async function pipelineHarness(
  pipeline: Pipeline,
  options: {
    now?: () => number;
    wrapPorts?: (ports: EnginePorts) => EnginePorts;
    /** Creates a stream of this many shards in the Kinesis emulator for shard discovery. */
    shards?: number;
  } = {},
) {
  const { config, client, session } = storeSession();
  await applySchema(schemaConnection(client), config.cassandra, [
    ...CORE_TABLES,
    ...pipelineTables(pipeline),
  ]);
  const batches: BatchResult[] = [];
  const ticks: TickResult[] = [];
  let shards: ShardSource | undefined;
  if (options.shards) {
    const stream = `cassflow-${pipeline.name.replaceAll('_', '-')}`;
    await ensureStream(createKinesisClient(config.kinesis), stream, options.shards);
    shards = kinesisShardSource(config.kinesis, stream);
  }
  const handler = createAggregateHandler(pipeline, {
    session: () => session,
    logger: new Logger({ serviceName: 'cassflow-test', logLevel: 'ERROR' }),
    metrics: new Metrics({ namespace: 'cassflow-test', serviceName: pipeline.name }),
    settings: options.now ? { now: options.now } : {},
    ...(options.wrapPorts ? { wrapPorts: options.wrapPorts } : {}),
    ...(shards ? { shards } : {}),
    onBatch: (result) => batches.push(result),
    onTick: (result) => ticks.push(result),
  });
  return {
    session,
    batches,
    ticks,
    invoke: (records: readonly ShardRecord[]): Promise<KinesisStreamBatchResponse> =>
      handler(kinesisEvent(records), lambdaContext()) as Promise<KinesisStreamBatchResponse>,
    /** The pipeline's tick, as its EventBridge rule invokes it. */
    tick: () => handler(scheduledEvent(), lambdaContext()) as Promise<TickResult>,
    close: () => client.shutdown(),
  };
}
