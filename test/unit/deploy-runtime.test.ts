import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '#lib/config/errors';
import { customResourceHandler, putResponse } from '#lib/lambda/custom-resource';
import { schemaFunction } from '#lib/lambda/schema-function';
import { withSecrets } from '#lib/lambda/secret-env';
import { withTargetName } from '#lib/lambda/sync-function';
import { deploymentSchema } from '#lib/pipeline-file/deployment-schema';
import { waitForTablesActive } from '#lib/store/schema/tables-active';
import { syncJobsOf } from '#lib/sync/sync-jobs';
import { EXAMPLE_PIPELINES } from '../../examples/index.ts';
import { cloudFormationEvent } from '../helpers/cloudformation-event.ts';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:s-AbCdEf';

describe('withSecrets', () => {
  it('GIVEN secret ARNs THEN the Cassandra credentials and the PostgreSQL URL come from them', async () => {
    const secrets: Record<string, string> = {
      c: JSON.stringify({ username: 'app', password: 'p@ss' }),
      p: JSON.stringify({ host: 'db', port: 5433, username: 'u', password: 'a/b', dbname: 'x' }),
    };
    const env = await withSecrets(
      { CASSANDRA_SECRET_ARN: 'c', CASSFLOW_POSTGRES_SECRET_ARN: 'p', OTHER: '1' },
      async (arn) => secrets[arn] as string,
    );
    expect(env).toMatchObject({
      CASSANDRA_USERNAME: 'app',
      CASSANDRA_PASSWORD: 'p@ss',
      CASSFLOW_POSTGRES_URL: 'postgres://u:a%2Fb@db:5433/x',
      OTHER: '1',
    });
  });

  it('GIVEN no secret ARNs THEN nothing is read', async () => {
    const env = await withSecrets({ A: 'b' }, async () => {
      throw new Error('must not be called');
    });
    expect(env).toEqual({ A: 'b' });
  });

  it.each([
    [
      'CASSANDRA_SECRET_ARN',
      '{"username":"u"}',
      /CASSANDRA_SECRET_ARN: the secret has no 'password' field/,
    ],
    ['CASSANDRA_SECRET_ARN', 'hunter2', /cannot be read as JSON: not valid JSON/],
    ['CASSFLOW_POSTGRES_SECRET_ARN', '{"url":"","placeholder":"x"}', /needs \{"url"/],
  ])(
    'GIVEN %s holding %s THEN a ConfigError names the setting and never the value',
    async (name, value, message) => {
      const failing = withSecrets({ [name]: ARN }, async () => value);
      await expect(failing).rejects.toThrow(ConfigError);
      await expect(withSecrets({ [name]: ARN }, async () => value)).rejects.toThrow(message);
      await expect(withSecrets({ [name]: ARN }, async () => value)).rejects.not.toThrow(/hunter2/);
    },
  );
});

describe('customResourceHandler', () => {
  it('GIVEN work that succeeds or throws THEN CloudFormation is always answered, with the reason', async () => {
    const sent: Record<string, unknown>[] = [];
    const send = async (_url: string, body: string) => {
      sent.push(JSON.parse(body));
    };
    await customResourceHandler(async () => {}, send)(...cloudFormationEvent('Create', 1000));
    await customResourceHandler(async () => {
      throw new Error('tables not ACTIVE in time: t1 (CREATING)');
    }, send)(...cloudFormationEvent('Update', 1000));
    expect(sent[0]).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'SchemaResource',
      RequestId: 'req-1',
    });
    expect(sent[1]).toMatchObject({
      Status: 'FAILED',
      Reason: 'tables not ACTIVE in time: t1 (CREATING)',
    });
  });

  it('GIVEN a response URL THEN the answer is PUT there with an empty content type', async () => {
    const received: { method?: string; type?: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ method: req.method, type: req.headers['content-type'], body });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      await putResponse(`http://127.0.0.1:${port}/signed?x=1`, '{"Status":"SUCCESS"}');
    } finally {
      server.close();
    }
    expect(received).toEqual([{ method: 'PUT', type: '', body: '{"Status":"SUCCESS"}' }]);
  });
});

describe('waitForTablesActive', () => {
  it('GIVEN tables that become ACTIVE THEN it returns once all are', async () => {
    let reads = 0;
    await waitForTablesActive(
      'ks',
      ['a', 'b'],
      async (_ks, table) => (table === 'a' || ++reads > 2 ? 'ACTIVE' : 'CREATING'),
      { remainingMs: () => 60_000, pollMs: 1 },
    );
    expect(reads).toBe(3);
  });

  it('GIVEN a table never ACTIVE THEN it fails naming it and its status when time runs out', async () => {
    const wait = waitForTablesActive(
      'ks',
      ['a', 'b'],
      async (_ks, t) => (t === 'a' ? 'ACTIVE' : undefined),
      {
        remainingMs: () => 0,
        pollMs: 1,
      },
    );
    await expect(wait).rejects.toThrow('ks: tables not ACTIVE in time: b (MISSING)');
  });
});

describe('schemaFunction on Keyspaces', () => {
  it('GIVEN Create THEN it waits for every table of the deployment schema; GIVEN Delete THEN it reads nothing', async () => {
    const asked: string[] = [];
    const answers: string[] = [];
    const handler = schemaFunction(
      EXAMPLE_PIPELINES,
      { CASSFLOW_MODE: 'aws', AWS_REGION: 'eu-west-1', CASSANDRA_KEYSPACE: 'analytics' },
      {
        readStatus: async (ks, table) => {
          asked.push(`${ks}.${table}`);
          return 'ACTIVE';
        },
        send: async (_url, body) => {
          answers.push(JSON.parse(body).Status);
        },
        logger: { info: () => {} } as never,
      },
    );
    await handler(...cloudFormationEvent('Create', 60_000));
    const expected = deploymentSchema(EXAMPLE_PIPELINES.values(), 'analytics').flatMap((k) =>
      k.tables.map((t) => `${k.keyspace}.${t.name}`),
    );
    expect(asked.sort()).toEqual(expected.sort());
    expect(asked).toHaveLength(12);
    await handler(...cloudFormationEvent('Delete', 60_000));
    expect(asked).toHaveLength(12);
    expect(answers).toEqual(['SUCCESS', 'SUCCESS']);
  });
});

describe('deploymentSchema', () => {
  it('GIVEN pipelines in two keyspaces THEN each keyspace gets the core tables and its own', () => {
    const [views, log] = [...EXAMPLE_PIPELINES.values()];
    const schema = deploymentSchema([views, { ...log, keyspace: 'raw' }] as never, 'main');
    expect(schema.map((k) => [k.keyspace, k.tables.map((t) => t.name).sort()])).toEqual([
      [
        'main',
        [
          'dead_letters_by_hour',
          'page_views_closed_windows',
          'page_views_late_events',
          'page_views_open_windows',
          'page_views_watermarks',
          'page_views_windows',
          'shard_checkpoints',
          'sync_leases',
          'sync_passes',
          'sync_ranges',
          'sync_rejects',
        ],
      ],
      [
        'raw',
        [
          'dead_letters_by_hour',
          'page_view_log',
          'shard_checkpoints',
          'sync_leases',
          'sync_passes',
          'sync_ranges',
          'sync_rejects',
        ],
      ],
    ]);
  });
});

describe('withTargetName', () => {
  it('GIVEN the stack names the bucket THEN the job writes there, prefix kept', () => {
    const job = syncJobsOf(EXAMPLE_PIPELINES.values()).get('page-views-to-s3');
    if (!job) throw new Error('example job missing');
    expect(withTargetName(job, 'test-bucket-x1').job.target).toEqual({
      kind: 's3',
      bucket: 'test-bucket-x1',
      prefix: 'page_views',
    });
    expect(withTargetName(job, undefined)).toBe(job);
  });
});
