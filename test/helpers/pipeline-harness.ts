import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import type { EnginePorts } from '#lib/engine/ports';
import type { BatchResult } from '#lib/engine/process-batch';
import { createKinesisClient } from '#lib/kinesis/client';
import { ensureStream } from '#lib/kinesis/streams';
import { createAggregateHandler } from '#lib/lambda/aggregate-handler';
import { kinesisShardLister } from '#lib/lambda/list-stream-shards';
import type { Pipeline } from '#lib/pipeline/spec';
import { createCassandraClient } from '#lib/store/client';
import { pipelineTables } from '#lib/store/pipeline-tables';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { CassandraSession } from '#lib/store/session';
import { integrationConfig } from './integration-config.ts';
import { kinesisEvent, type ShardRecord } from './kinesis-events.ts';
import { lambdaContext } from './lambda-context.ts';

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
  const config = integrationConfig();
  const client = createCassandraClient(config.cassandra);
  const session = new CassandraSession(client, config.cassandra.keyspace);
  await applySchema(schemaConnection(client), config.cassandra, [
    ...CORE_TABLES,
    ...pipelineTables(pipeline),
  ]);
  const batches: BatchResult[] = [];
  let listShards: ((arn: string) => Promise<string[]>) | undefined;
  if (options.shards) {
    const stream = `cassflow-${pipeline.name.replaceAll('_', '-')}`;
    await ensureStream(createKinesisClient(config.kinesis), stream, options.shards);
    const lister = kinesisShardLister(config.kinesis);
    listShards = () => lister(`arn:aws:kinesis:${config.region}:000000000000:stream/${stream}`);
  }
  const handler = createAggregateHandler(pipeline, {
    session: () => session,
    logger: new Logger({ serviceName: 'cassflow-test', logLevel: 'ERROR' }),
    metrics: new Metrics({ namespace: 'cassflow-test', serviceName: pipeline.name }),
    settings: options.now ? { now: options.now } : {},
    ...(options.wrapPorts ? { wrapPorts: options.wrapPorts } : {}),
    ...(listShards ? { listShards } : {}),
    onBatch: (result) => batches.push(result),
  });
  return {
    session,
    batches,
    invoke: (records: readonly ShardRecord[]): Promise<KinesisStreamBatchResponse> =>
      handler(kinesisEvent(records), lambdaContext()) as Promise<KinesisStreamBatchResponse>,
    close: () => client.shutdown(),
  };
}
