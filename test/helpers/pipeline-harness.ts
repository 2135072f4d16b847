import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import type { BatchResult } from '#lib/engine/process-batch';
import { createAggregateHandler } from '#lib/lambda/aggregate-handler';
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
export async function pipelineHarness(pipeline: Pipeline, now?: () => number) {
  const config = integrationConfig();
  const client = createCassandraClient(config.cassandra);
  const session = new CassandraSession(client, config.cassandra.keyspace);
  await applySchema(schemaConnection(client), config.cassandra, [
    ...CORE_TABLES,
    ...pipelineTables(pipeline),
  ]);
  const batches: BatchResult[] = [];
  const handler = createAggregateHandler(pipeline, {
    session: () => session,
    logger: new Logger({ serviceName: 'cassflow-test', logLevel: 'ERROR' }),
    metrics: new Metrics({ namespace: 'cassflow-test', serviceName: pipeline.name }),
    settings: now ? { now } : {},
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
