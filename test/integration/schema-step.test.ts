import { afterAll, describe, expect, it } from 'vitest';
import { schemaFunction } from '#lib/lambda/schema-function';
import { deploymentSchema } from '#lib/pipeline-file/deployment-schema';
import { createCassandraClient } from '#lib/store/client';
import { EXAMPLE_PIPELINES } from '../../examples/index.ts';
import { cloudFormationEvent } from '../helpers/cloudformation-event.ts';
import { integrationConfig } from '../helpers/integration-config.ts';

const config = integrationConfig();
const keyspace = `${config.cassandra.keyspace}_deploy`.slice(0, 48);
const client = createCassandraClient(config.cassandra);

afterAll(async () => {
  await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
  await client.shutdown();
});

describe('the deployed schema step on a self-managed Cassandra (real server)', () => {
  it('GIVEN a Create request THEN it creates every table of the deployment and answers SUCCESS', async () => {
    const answers: { Status: string; Reason: string }[] = [];
    const point = config.cassandra.contactPoints[0] ?? '127.0.0.1';
    const handler = schemaFunction(
      EXAMPLE_PIPELINES,
      {
        CASSFLOW_MODE: 'aws',
        AWS_REGION: 'eu-west-1',
        CASSFLOW_STORE: 'cassandra',
        CASSANDRA_CONTACT_POINTS: point,
        CASSANDRA_PORT: String(config.cassandra.port),
        CASSANDRA_LOCAL_DC: config.cassandra.localDataCenter,
        CASSANDRA_KEYSPACE: keyspace,
      },
      {
        send: async (_url, body) => {
          answers.push(JSON.parse(body));
        },
        logger: { info: () => {} } as never,
      },
    );
    await handler(...cloudFormationEvent('Create', 120_000));

    expect(answers.map((a) => a.Status)).toEqual(['SUCCESS']);
    const rows = await client.execute(
      'SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?',
      [keyspace],
    );
    const expected = deploymentSchema(EXAMPLE_PIPELINES.values(), keyspace)[0]?.tables.map(
      (t) => t.name,
    );
    expect(rows.rows.map((r) => String(r.get('table_name'))).sort()).toEqual(expected?.sort());
  }, 120_000);
});
