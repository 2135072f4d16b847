import { Logger } from '@aws-lambda-powertools/logger';
import { resolveConfig } from '../config/config.ts';
import type { Env } from '../config/env-values.ts';
import type { AnyPipeline } from '../pipeline/any-pipeline.ts';
import { deploymentSchema } from '../pipeline-file/deployment-schema.ts';
import { createCassandraClient } from '../store/client.ts';
import { applySchema } from '../store/schema/apply.ts';
import { schemaConnection } from '../store/schema/connection.ts';
import { createKeyspacesClient, keyspacesStatusReader } from '../store/schema/keyspaces-status.ts';
import type { TableStatusReader } from '../store/schema/tables-active.ts';
import { waitForTablesActive } from '../store/schema/tables-active.ts';
import { customResourceHandler, type ResponseSender } from './custom-resource.ts';

export type SchemaFunctionPorts = {
  readStatus?: TableStatusReader;
  send?: ResponseSender;
  logger?: Logger;
};

/** Time kept back from the Lambda's timeout to answer CloudFormation. */
const ANSWER_MARGIN_MS = 10_000;

/**
 * The deployment's schema step, a custom resource the stream functions wait for. On Keyspaces,
 * whose tables CloudFormation creates, it waits until every table is ACTIVE; on a self-managed
 * Cassandra it creates the keyspaces and tables over CQL and waits for schema agreement.
 * Deleting the stack keeps the data.
 */
export function schemaFunction(
  pipelines: ReadonlyMap<string, AnyPipeline>,
  env: Env = process.env,
  ports: SchemaFunctionPorts = {},
) {
  const config = resolveConfig(env);
  const keyspaces = deploymentSchema(pipelines.values(), config.cassandra.keyspace);
  const logger = ports.logger ?? new Logger({ serviceName: 'cassflow-schema' });
  const report = (line: string) => logger.info(line);
  return customResourceHandler(async (event, context) => {
    if (event.RequestType === 'Delete') return;
    const remainingMs = () => context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS;
    if (config.cassandra.kind === 'keyspaces') {
      const readStatus =
        ports.readStatus ?? keyspacesStatusReader(createKeyspacesClient(config.region));
      for (const { keyspace, tables } of keyspaces) {
        const names = tables.map((t) => t.name);
        await waitForTablesActive(keyspace, names, readStatus, { remainingMs, report });
        report(`${keyspace}: ${names.length} tables ACTIVE`);
      }
      return;
    }
    for (const { keyspace, tables } of keyspaces) {
      const cassandra = { ...config.cassandra, keyspace };
      const client = createCassandraClient(cassandra);
      try {
        const result = await applySchema(schemaConnection(client), cassandra, tables, {
          report,
          timeoutMs: Math.max(remainingMs(), 1000),
        });
        report(`${keyspace}: ${result.created.length} created, ${result.existing.length} there`);
      } finally {
        await client.shutdown();
      }
    }
  }, ports.send);
}
