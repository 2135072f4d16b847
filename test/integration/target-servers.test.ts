import { Readable } from 'node:stream';
import {
  CreateTableCommand,
  DeleteTableCommand,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '#lib/config/config';
import {
  createDynamoDbClient,
  createPostgresPool,
  createS3Client,
} from '#lib/sync/targets/clients';
import { listeningAddresses } from '../helpers/listening-addresses.ts';

const shared = resolveConfig(process.env);
const suffix = Date.now().toString(36);

describe('sync target servers', () => {
  it('S3 (s3rver) stores objects and returns them, streamed bodies too', async () => {
    // Prepare
    const s3 = createS3Client(shared.s3);
    const Bucket = `cassflow-it-${suffix}`;
    const text = 'window,views\n2026-11-25T10:00Z,42\n'.repeat(2000);

    try {
      // Act
      await s3.send(new CreateBucketCommand({ Bucket }));
      await s3.send(new PutObjectCommand({ Bucket, Key: 'plain.csv', Body: text }));
      await s3.send(
        new PutObjectCommand({
          Bucket,
          Key: 'streamed.csv',
          Body: Readable.from([Buffer.from(text)]),
          ContentLength: Buffer.byteLength(text),
        }),
      );
      const read = async (Key: string) =>
        (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body?.transformToString();

      // Assess
      expect(await read('plain.csv')).toBe(text);
      // Default SDK checksums would store the aws-chunked framing with a streamed body.
      expect(await read('streamed.csv')).toBe(text);
    } finally {
      for (const Key of ['plain.csv', 'streamed.csv']) {
        await s3.send(new DeleteObjectCommand({ Bucket, Key })).catch(() => undefined);
      }
      await s3.send(new DeleteBucketCommand({ Bucket })).catch(() => undefined);
      s3.destroy();
    }
  });

  it('DynamoDB (dynalite) creates a table and writes and reads items, conditions enforced', async () => {
    // Prepare
    const ddb = createDynamoDbClient(shared.dynamodb);
    const TableName = `cassflow_it_${suffix}`;
    const Item = { pk: { S: '/home#tumbling_1m' }, views: { N: '42' } };

    try {
      // Act
      await ddb.send(
        new CreateTableCommand({
          TableName,
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      const put = () =>
        ddb.send(
          new PutItemCommand({
            TableName,
            Item,
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      await put();
      const got = await ddb.send(new GetItemCommand({ TableName, Key: { pk: Item.pk } }));

      // Assess
      expect(got.Item).toEqual(Item);
      await expect(put()).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    } finally {
      await ddb.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
      ddb.destroy();
    }
  });

  it('PostgreSQL creates a table and writes and reads rows', async () => {
    // Prepare
    const pool = createPostgresPool(shared.postgres);
    const table = `cassflow_it_${suffix}`;

    try {
      // Act
      await pool.query(
        `CREATE TABLE ${table} (key text, window_start timestamptz, views bigint, PRIMARY KEY (key, window_start))`,
      );
      await pool.query(
        `INSERT INTO ${table} VALUES ($1, $2, $3), ($1, $4, $5)
         ON CONFLICT (key, window_start) DO UPDATE SET views = EXCLUDED.views`,
        ['/home', '2026-11-25T10:00:00Z', 42, '2026-11-25T10:01:00Z', 7],
      );
      const { rows } = await pool.query(
        `SELECT key, window_start, views FROM ${table} ORDER BY window_start`,
      );

      // Assess
      expect(rows).toEqual([
        { key: '/home', window_start: new Date('2026-11-25T10:00:00Z'), views: '42' },
        { key: '/home', window_start: new Date('2026-11-25T10:01:00Z'), views: '7' },
      ]);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
      await pool.end();
    }
  });

  it('every server of the local stack listens on 127.0.0.1 only', () => {
    const { local } = shared;
    const ports = {
      cassandra: [local.cassandra.nativePort, local.cassandra.storagePort],
      // kinesis-mock also serves TLS; cassflow's engine plain HTTP only.
      kinesis:
        local.kinesis.engine === 'kinesis-mock'
          ? [local.kinesis.port, local.kinesis.tlsPort]
          : [local.kinesis.port],
      s3: [local.s3.port],
      dynamodb: [local.dynamodb.port],
      postgres: [local.postgres.port],
    };
    for (const [server, list] of Object.entries(ports)) {
      for (const port of list) {
        expect({ server, port, addresses: listeningAddresses(port) }).toEqual({
          server,
          port,
          addresses: ['127.0.0.1'],
        });
      }
    }
  });
});
